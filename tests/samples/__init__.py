"""Files in the two plain-text formats ``import_condition`` reads, and what importing each must give.

The samples are written for the tests, in our own words and about other conditions than the seeds,
so that a clone of the project alone (no ``../shared``) still tests the importer: a scraped
**condition page** (the format of seed 000: paragraphs, "•" bullets with bold-able leads and
indented continuations, a "When to see a doctor" line, a date, a numbered reference list, site
chrome) and a **short-answer card** (seed 001: "Short answer · … · Last updated: DATE", the
answer, its question, repeats, crowd lines and a disclaimer). Like scraped files, the
``kidney_stones_*`` files end without a final line break; the ``bursitis_*`` files have one, and
their card separates paragraphs with blank lines.

The two real seed documents are described here too (:data:`SEEDS_CASE`): tests run on them
whenever ``../shared/seeds`` exists (``import_case`` in tests/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent
# The real documents beside the project (../shared/seeds): never copied into it.
SEEDS = SAMPLES.parents[2] / "shared" / "seeds"


@dataclass(frozen=True)
class BulletList:
    """A section's bulleted list: each item's lead (bold once imported), and the item that has
    an indented paragraph under it, which must stay inside that item."""

    leads: tuple[str, ...]
    continued: int  # index of the item with the indented paragraph
    continuation: str  # how that paragraph starts


@dataclass(frozen=True)
class ConditionPage:
    pattern: str  # the file's name in its folder, or a glob that matches only it
    slug: str
    updated_on: date
    summary_start: str
    section_kinds: tuple[str, ...]
    lists: dict[str, BulletList]  # by section kind
    references: tuple[str, ...]  # the keys, in the page's order
    reference_fields: dict[str, dict[str, Any]]  # key -> Reference attributes after import
    chrome: tuple[str, ...]  # phrases of the site around the text, never imported (lowercase)


@dataclass(frozen=True)
class ShortAnswerCard:
    pattern: str
    question: str
    updated_on: date
    answer_start: str
    details_starts: tuple[str, ...]  # how each paragraph of the details starts, in order
    chrome: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportCase:
    """A condition page and a short-answer card about the same condition."""

    id: str
    name: str
    page: ConditionPage
    card: ShortAnswerCard
    folder: Path = SAMPLES
    from_seeds: bool = field(default=False)

    @property
    def page_file(self) -> Path:
        return _one(self.folder, self.page.pattern)

    @property
    def card_file(self) -> Path:
        return _one(self.folder, self.card.pattern)


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, f"expected one file {pattern} in {folder}, found {[p.name for p in found]}"
    return found[0]


KIDNEY_STONES = ImportCase(
    id="kidney-stones",
    name="Kidney stones",
    page=ConditionPage(
        pattern="kidney_stones_page.txt",
        slug="kidney-stones",
        updated_on=date(2023, 3, 14),
        summary_start="Kidney stones develop when minerals",
        section_kinds=("overview", "symptoms", "when_to_see_a_doctor", "causes", "complications"),
        lists={
            "symptoms": BulletList(
                leads=("Severe pain.", "Pink or brown urine.", "Needing to urinate often.", "Nausea."),
                continued=0,
                continuation="The pain often starts suddenly",
            ),
            "complications": BulletList(
                leads=("Blocked urine flow.", "Repeat stones."),
                continued=0,
                continuation="A blocked kidney that also becomes infected",
            ),
        },
        references=(
            "healthpointreference2021",
            "healthpointreference2022",
            "nguyen2019",
            "okafor",
            "lindqvist2018",
            "haddad2023",
        ),
        reference_fields={
            "healthpointreference2021": {"kind": "other", "publisher": "Example Medical Press", "year": 2021},
            "nguyen2019": {
                "kind": "book-chapter",
                "author_list": ["Nguyen T", "et al"],
                "container_title": "Textbook of Clinical Urology",
                "edition": "5",
                "publisher": "Example Publishers",
                "year": 2019,
                "accessed_on": date(2022, 3, 3),
            },
            "okafor": {"kind": "database", "year": None, "accessed_on": date(2022, 3, 3)},
            "lindqvist2018": {
                "kind": "journal-article",
                "author_list": ["Lindqvist P", "Moreau A"],
                "container_title": "J Urol Stud",
                "volume": "12",
                "issue": "3",
                "pages": "45-52",
            },
            "haddad2023": {"kind": "expert-opinion", "publisher": "Example Clinic", "title": ""},
        },
        chrome=("donation", "keep health information free"),
    ),
    card=ShortAnswerCard(
        pattern="kidney_stones_card.txt",
        question="What causes Kidney stones?",
        updated_on=date(2025, 11, 20),
        answer_start="Kidney stones are a common condition in which",
        details_starts=(
            "Kidney stones are mostly caused by concentrated urine",
            "A smaller group of stones",
            "Doctors separate the cause",
            "Research now looks",
        ),
        chrome=("healthcircles", "first-person", "community members", "disclaimer"),
    ),
)

BURSITIS = ImportCase(
    id="bursitis",
    name="Bursitis",
    page=ConditionPage(
        pattern="bursitis_page.txt",
        slug="bursitis",
        updated_on=date(2024, 10, 9),
        summary_start="Bursitis is a painful condition",
        section_kinds=(
            "overview",
            "symptoms",
            "when_to_see_a_doctor",
            "causes",
            "risk_factors",
            "prevention",
        ),
        lists={
            "symptoms": BulletList(
                leads=("Joint pain.", "Tenderness.", "Swelling and redness."),
                continued=1,
                continuation="Kneeling, or leaning on the elbow",
            ),
        },
        references=("jointhealthcouncil2020", "petrova2022", "brennan", "sato2019"),
        reference_fields={
            "jointhealthcouncil2020": {"kind": "other", "title": "Bursitis: a guide for patients"},
            "petrova2022": {
                "kind": "book-chapter",
                "edition": "3",
                "publisher": "Example Publishers",
                "year": 2022,
                "url": "https://www.example.org/handbook",
                "accessed_on": date(2024, 5, 5),
            },
            "brennan": {"kind": "database", "url": "https://www.uptodate.com/contents/septic-bursitis"},
            "sato2019": {"kind": "journal-article", "volume": "7", "issue": "1", "pages": "12-19"},
        },
        chrome=("newsletter", "advertisement"),
    ),
    card=ShortAnswerCard(
        pattern="bursitis_card.txt",
        question="How is Bursitis treated?",
        updated_on=date(2025, 2, 17),
        answer_start="Bursitis is an inflammation of a bursa",
        details_starts=("Most people need nothing more", "If the pain lasts", "Surgery to remove the bursa"),
        chrome=("disclaimer",),
    ),
)

# The two real documents (../shared/seeds/000_*.txt and 001_*.txt): facts about them, not their text.
SEEDS_CASE = ImportCase(
    id="seeds",
    name="Carcinoid syndrome",
    folder=SEEDS,
    from_seeds=True,
    page=ConditionPage(
        pattern="000_*.txt",
        slug="carcinoid-syndrome",
        updated_on=date(2022, 7, 7),
        summary_start="Carcinoid syndrome occurs when",
        section_kinds=("overview", "symptoms", "when_to_see_a_doctor", "causes", "complications"),
        lists={
            "symptoms": BulletList(
                leads=(
                    "Skin flushing.",
                    "Facial skin lesions.",
                    "Diarrhea.",
                    "Difficulty breathing.",
                    "Rapid heartbeat.",
                ),
                continued=0,
                continuation="Flushing may happen",
            ),
            "complications": BulletList(
                leads=("Carcinoid heart disease.", "Carcinoid crisis."),
                continued=0,
                continuation="Signs and symptoms",
            ),
        },
        references=(
            "askmayoexpert2020",
            "askmayoexpert2019",
            "feldman2021",
            "strosberg",
            "ferri2021",
            "giridhar2020",
        ),
        reference_fields={
            "feldman2021": {
                "kind": "book-chapter",
                "edition": "11",
                "publisher": "Elsevier",
                "year": 2021,
                "accessed_on": date(2020, 8, 24),
                "author_list": ["Feldman M", "et al"],
            },
            "strosberg": {"kind": "database"},
            "giridhar2020": {"kind": "expert-opinion"},
        },
        chrome=("donation", "fuel groundbreaking"),
    ),
    card=ShortAnswerCard(
        pattern="001_*.txt",
        question="What triggers Carcinoid Syndrome?",
        updated_on=date(2026, 5, 8),
        answer_start="Carcinoid syndrome is a paraneoplastic condition",
        details_starts=("The primary cause", "While most cases", "It is important", "Current research"),
        chrome=("diseasemaps", "disclaimer", "community members"),
    ),
)

SAMPLE_CASES = (KIDNEY_STONES, BURSITIS)
IMPORT_CASES = (*SAMPLE_CASES, SEEDS_CASE)
