"""Synthetic but plausible condition-page text for the benchmarks, from word lists written here.

Everything is drawn from a ``random.Random`` the caller seeds, so a given seed always yields the
same names, sections and references. A page is built once as plain structure (:class:`Page`:
paragraphs and lead-in bullet lists, each sentence with the reference keys it cites) and can then
be written two ways: as the Markdown an editor would type (``[@key]`` citations, ``- **Lead.**``
items), or as the scraped plain-text format of seed 000 that ``import_condition`` reads.

None of the wording comes from the seed documents; it is made up here, sentence frame by sentence
frame, so the benchmark never ships copied text.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

# --- word lists --------------------------------------------------------------------------------

# (adjective used in a name, the body part a reader knows it by)
ORGANS = [
    ("renal", "kidneys"), ("hepatic", "liver"), ("gastric", "stomach"), ("pulmonary", "lungs"),
    ("cardiac", "heart"), ("ocular", "eyes"), ("cutaneous", "skin"), ("vestibular", "inner ear"),
    ("thyroid", "thyroid gland"), ("pancreatic", "pancreas"), ("biliary", "bile ducts"),
    ("colonic", "large bowel"), ("esophageal", "food pipe"), ("bronchial", "airways"),
    ("retinal", "retina"), ("synovial", "joint linings"), ("spinal", "spine"), ("cerebral", "brain"),
    ("adrenal", "adrenal glands"), ("ovarian", "ovaries"), ("prostatic", "prostate"),
    ("lymphatic", "lymph nodes"), ("muscular", "muscles"), ("plantar", "sole of the foot"),
    ("sinonasal", "sinuses"), ("laryngeal", "voice box"), ("vascular", "blood vessels"),
    ("dental", "teeth and gums"), ("vesical", "bladder"), ("peripheral nerve", "nerves"),
    ("tendon", "tendons"), ("bone marrow", "bone marrow"), ("salivary", "salivary glands"),
    ("pleural", "lining of the lungs"), ("pericardial", "sac around the heart"),
]  # fmt: skip
MODIFIERS = [
    "Acute", "Chronic", "Familial", "Juvenile", "Idiopathic", "Recurrent", "Hereditary", "Benign",
    "Progressive", "Congenital", "Autoimmune", "Primary", "Secondary", "Late-onset", "Exertional",
    "Drug-induced", "Seasonal", "Nodular", "Diffuse", "Erosive", "Atypical", "Transient",
    "Relapsing", "Early-onset",
]  # fmt: skip
NOUNS = [
    "fibrosis", "dystrophy", "neuropathy", "arthritis", "dermatitis", "anemia", "stenosis",
    "insufficiency", "hyperplasia", "cyst disease", "vasculitis", "myopathy", "sclerosis",
    "calcification", "polyposis", "ulcer disease", "lymphoma", "carcinoma", "reflux disease",
    "dysplasia", "atrophy", "syndrome", "disorder", "infection", "hypertension", "edema",
    "granulomatosis", "degeneration", "amyloidosis", "ischemia",
]  # fmt: skip
# Invented eponyms: surnames for "X syndrome" names and for reference authors.
SURNAMES = [
    "Halvorsen", "Marchetti", "Okonkwo", "Lindqvist", "Teixeira", "Abernathy", "Kowalczyk",
    "Nakamura", "Ferreira", "Oyelaran", "Castellano", "Brannigan", "Vasquez", "Mbeki", "Sorensen",
    "Iwasaki", "Delacroix", "Haverford", "Petrovic", "Achterberg", "Quintero", "Rasmussen",
    "Szabo", "Whitcombe", "Yilmaz", "Zhou", "Albrecht", "Benedetti", "Carrow", "Dunleavy",
    "Ekwueme", "Fairbairn", "Gallardo", "Hollis", "Ivanova", "Jorgensen", "Kaur", "Lachance",
    "Moreau", "Nwosu", "Ostrowski", "Pillai", "Quigley", "Rinaldi", "Strand", "Tanaka", "Umeh",
    "Valdez", "Wexler", "Xu", "Yamamoto", "Zielinski", "Arkwright", "Bellamy", "Chaudhry",
    "Demir", "Engstrom", "Fontaine", "Greaves", "Huang",
]  # fmt: skip
EPONYM_NOUNS = ["syndrome", "disease", "disorder", "palsy", "anomaly", "sign complex"]

SYMPTOMS = [
    ("Tiredness", "Many people feel worn out even after a full night's sleep."),
    ("Low-grade fever", "A temperature that stays slightly raised for days at a time is common."),
    ("Night sweats", "Sweating can be heavy enough to soak bedclothes."),
    ("Weight loss", "Some people lose weight without trying over a few months."),
    ("Nausea", "Feeling sick tends to be worse after large or fatty meals."),
    ("Swelling", "Puffiness may appear around the ankles, hands or face."),
    ("Stiffness", "Joints can feel stiff first thing in the morning and ease with movement."),
    ("Headaches", "Dull, pressing headaches may build up over the course of the day."),
    ("Dizziness", "A spinning or light-headed feeling may come on when standing up quickly."),
    ("Breathlessness", "Getting out of breath on stairs or short walks is a frequent complaint."),
    ("Itching", "An itch without a visible rash can disturb sleep."),
    ("Rash", "Red, raised patches may come and go, often on the arms and trunk."),
    ("Cough", "A dry cough can last for weeks without any sign of a cold."),
    ("Chest tightness", "A band-like pressure across the chest may occur with exertion."),
    ("Blurred vision", "Sight may become hazy, especially in dim light."),
    ("Muscle cramps", "Painful cramps often strike in the calves at night."),
    ("Numbness", "Patches of reduced feeling may start in the toes or fingertips."),
    ("Tingling", "Pins and needles may spread slowly from the feet upward."),
    ("Poor appetite", "Meals may feel like an effort, and portions get smaller."),
    ("Bloating", "The abdomen can feel full and tight within minutes of eating."),
    ("Palpitations", "The heartbeat may feel fast, strong or irregular."),
    ("Hoarseness", "The voice may turn rough or weak, especially by evening."),
    ("Trouble sleeping", "Waking often in the night leaves people unrefreshed."),
    ("Frequent urination", "Needing to pass urine more often, including at night, is typical."),
    ("Joint pain", "Aching joints may flare for a few days and then settle."),
    ("Abdominal pain", "Cramping pain in the belly may come in waves."),
    ("Easy bruising", "Bruises can appear after minor knocks or for no clear reason."),
    ("Dry eyes", "Eyes may feel gritty, sore or tired by the end of the day."),
]  # fmt: skip
CAUSES = [
    "an immune response that attacks healthy tissue",
    "a change in a single gene passed down in families",
    "long-standing inflammation",
    "an earlier viral infection",
    "gradual wear and tear with age",
    "a blocked duct that lets fluid build up",
    "a reduced blood supply to the affected tissue",
    "abnormal protein deposits",
    "shifts in hormone levels",
    "a side effect of certain medicines",
    "repeated minor injury from overuse",
    "exposure to dust, fumes or chemicals at work",
]
RISK_FACTORS = [
    ("Age", "The condition becomes more common after the age of 50."),
    ("Family history", "Having a parent or sibling with the condition raises the chance of developing it."),
    ("Smoking", "Tobacco smoke damages tissue and slows healing."),
    ("Excess weight", "Carrying extra weight puts more strain on the body."),
    ("Diabetes", "High blood sugar over many years harms small blood vessels and nerves."),
    ("High blood pressure", "Raised pressure strains the heart and blood vessels."),
    ("Heavy drinking", "Regularly drinking a lot of alcohol increases the risk."),
    ("Long-term steroid use", "Taking steroid tablets for months at a time can play a part."),
    ("Certain jobs", "Work that involves dust, solvents or repetitive strain adds to the risk."),
    ("Other immune conditions", "People with one autoimmune condition are more prone to another."),
]  # fmt: skip
COMPLICATIONS = [
    ("Long-lasting pain", "Pain that persists can limit work, sleep and exercise."),
    ("Organ damage", "Without treatment, the affected organ may slowly stop working as well."),
    ("Repeated infections", "Damaged tissue is more easily infected."),
    ("Anemia", "A low red blood cell count can add to tiredness and breathlessness."),
    ("Reduced mobility", "Stiffness and weakness can make walking and climbing stairs harder."),
    ("Low mood", "Living with a long-term condition can lead to anxiety or depression."),
    ("Scarring", "Healing after repeated flare-ups may leave scar tissue behind."),
    ("Blood clots", "Inactivity and inflammation both make clots more likely."),
    ("Vision problems", "In some people the eyes are affected, and sight can worsen."),
    ("Kidney strain", "The kidneys may be harmed by the condition or by some of its treatments."),
]  # fmt: skip
TESTS = [
    "blood tests", "a urine test", "an ultrasound scan", "a CT scan", "an MRI scan", "a biopsy",
    "an endoscopy", "an echocardiogram", "genetic testing", "breathing tests", "an X-ray",
    "nerve conduction studies", "skin patch tests", "an eye examination",
]  # fmt: skip
TREATMENTS = [
    ("Anti-inflammatory medicines", "These ease pain and swelling during flare-ups."),
    ("Corticosteroids", "A short course can calm severe inflammation quickly."),
    ("Physiotherapy", "Exercises improve strength, balance and range of movement."),
    ("Surgery", "An operation may be offered when other treatments have not helped."),
    ("Changes to diet", "A dietitian can suggest what to eat more or less of."),
    ("Antibiotics", "These treat bacterial infections that sometimes come with the condition."),
    ("Immune-suppressing medicines", "These reduce the immune system's attack on the body."),
    ("Pain relief", "Simple painkillers, taken regularly, help many people stay active."),
    ("Targeted therapy", "Newer medicines act on the specific process that drives the disease."),
    ("Hormone treatment", "Replacing or blocking a hormone can bring symptoms under control."),
    ("Regular monitoring", "Check-ups and repeat tests catch changes early."),
    ("Support and self-care", "Pacing activity, sleep routines and support groups all help."),
]  # fmt: skip
JOURNALS = [
    "J Clin Med Res", "Int J Intern Med", "Ann Clin Pract", "Eur J Gen Med", "BMC Clin Studies",
    "Am J Health Sci", "Clin Rev Allergy Immunol Pract", "J Rare Dis Res", "Lancet Reg Health Rev",
    "Arch Fam Pract", "Scand J Clin Invest", "J Patient Care Outcomes", "Pediatr Rep Int",
    "Gut Liver Rev", "Thorax Pract", "Rheumatol Adv Pract",
]  # fmt: skip
PUBLISHERS = ["Elsevier", "Springer", "Wiley", "Oxford University Press", "McGraw Hill", "Thieme"]
BOOKS = [
    "Principles of Internal Medicine", "Handbook of Clinical Diagnosis", "Textbook of Family Practice",
    "Essentials of Pathology", "Clinical Advisor", "Manual of Outpatient Care",
]  # fmt: skip
ORGANISATIONS = [
    "National Institute for Clinical Quality", "European Society of Internal Medicine",
    "American Board of Clinical Practice", "World Health Forum", "Royal College of Practitioners",
]  # fmt: skip
STUDY_TYPES = [
    "a cohort study", "a randomised controlled trial", "a systematic review", "a case series",
    "a cross-sectional survey", "a narrative review", "a meta-analysis",
]  # fmt: skip
TITLE_TOPICS = [
    "Long-term outcomes of", "Early signs of", "Treatment response in", "Quality of life with",
    "Diagnostic accuracy of imaging in", "Genetic factors in", "Costs of care for",
    "Patient-reported symptoms of", "Trends in the incidence of", "Management of",
]  # fmt: skip
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# The eight section kinds of a typical page, in page order; longer pages repeat kinds under
# their own headings.
PAGE_KINDS = [
    "overview", "symptoms", "when_to_see_a_doctor", "causes", "risk_factors", "complications",
    "diagnosis", "treatment",
]  # fmt: skip


# --- structure ---------------------------------------------------------------------------------


@dataclass
class Sentence:
    text: str  # ends in punctuation
    cites: list[str] = field(default_factory=list)  # reference keys cited at its end


@dataclass
class Bullets:
    items: list[tuple[str, Sentence]]  # (lead, explanation)


@dataclass
class Block:
    """One section: its kind, a heading when it differs from the kind's, paragraphs and lists."""

    kind: str
    heading: str = ""
    parts: list[list[Sentence] | Bullets] = field(default_factory=list)


@dataclass
class Page:
    name: str
    synonyms: list[str]
    part: str  # the body part a reader knows
    blocks: list[Block]
    reviewed_on: date

    @property
    def reference_keys(self) -> list[str]:
        """Every key cited, in first-use order."""
        keys: dict[str, None] = {}
        for block in self.blocks:
            for part in block.parts:
                sentences = [s for _, s in part.items] if isinstance(part, Bullets) else part
                for sentence in sentences:
                    keys.update(dict.fromkeys(sentence.cites))
        return list(keys)


@dataclass(frozen=True)
class RefSpec:
    """A bibliographic reference as Reference model fields (canonical DOI and PMID)."""

    fields: dict


class TextMaker:
    """Names, pages and references from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # names

    def condition_names(self, count: int) -> list[tuple[str, list[str], str]]:
        """``count`` distinct (name, other names, body part) triples, in a shuffled order."""
        rng = self.rng
        combos = [(m, o, n) for m in MODIFIERS for o in ORGANS for n in NOUNS]
        rng.shuffle(combos)
        eponyms = [(s, n) for s in SURNAMES for n in EPONYM_NOUNS]
        rng.shuffle(eponyms)
        names: list[tuple[str, list[str], str]] = []
        seen: set[str] = set()
        round_number = 1
        while len(names) < count:
            for modifier, (adjective, part), noun in combos:
                if len(names) >= count:
                    break
                name = f"{modifier} {adjective} {noun}"
                if round_number > 1:
                    name += f" type {round_number}"
                if name.casefold() in seen:
                    continue
                seen.add(name.casefold())
                synonyms = []
                if eponyms and rng.random() < 0.4:
                    surname, eponym_noun = eponyms.pop()
                    synonyms.append(f"{surname} {eponym_noun}")
                if rng.random() < 0.3:
                    synonyms.append(f"{adjective} {noun}".capitalize())
                names.append((name, synonyms, part))
            round_number += 1
        return names

    # pages

    def page(
        self,
        name: str,
        synonyms: list[str],
        part: str,
        keys: list[str],
        *,
        kinds: list[str] = PAGE_KINDS,
        reviewed_on: date,
    ) -> Page:
        """A page on ``name`` citing ``keys`` (each at least once where there is room)."""
        rng = self.rng
        pending = list(keys)
        rng.shuffle(pending)

        def cite() -> list[str]:
            # Unused keys first, so every listed reference is cited; then occasional repeats.
            if pending and rng.random() < 0.7:
                return [pending.pop()]
            if keys and rng.random() < 0.25:
                return rng.sample(keys, min(len(keys), rng.choice([1, 1, 2])))
            return []

        blocks = []
        seen_kinds: dict[str, int] = {}
        for kind in kinds:
            seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
            block = getattr(self, f"_{kind}")(name, part, cite)
            if seen_kinds[kind] > 1:  # a repeated kind gets a heading of its own
                block.heading = f"{block.heading or _label(kind)} ({seen_kinds[kind]})"
            blocks.append(block)
        # Any key still unused goes on the last paragraph: a page cites what it lists.
        if pending:
            last = next(p for p in reversed(blocks[-1].parts) if isinstance(p, list))
            last[-1].cites.extend(pending)
        return Page(name, synonyms, part, blocks, reviewed_on)

    def _items(self, pool: list[tuple[str, str]], low: int, high: int, cite) -> Bullets:
        chosen = self.rng.sample(pool, self.rng.randint(low, min(high, len(pool))))
        return Bullets([(lead, Sentence(text, cite())) for lead, text in chosen])

    def _overview(self, name: str, part: str, cite) -> Block:
        rng = self.rng
        first = [
            Sentence(f"{name} is a {rng.choice(['rare', 'common', 'long-term', 'uncommon'])} condition "
                     f"that affects the {part}.", cite()),
            Sentence(f"It develops when {rng.choice(CAUSES)} upsets the normal work of the {part}.", cite()),
        ]  # fmt: skip
        second = [
            Sentence(
                f"Most people notice {rng.choice(SYMPTOMS)[0].lower()} first, and the condition often "
                f"goes unrecognised for {rng.choice(['months', 'a year or more', 'several years'])}."
            ),
            Sentence(
                f"With {rng.choice(['early', 'timely', 'well-planned'])} treatment, many people keep "
                f"symptoms under control and carry on with daily life.",
                cite(),
            ),
        ]
        return Block("overview", parts=[first, second])

    def _symptoms(self, name: str, part: str, cite) -> Block:
        intro = [Sentence(f"Signs and symptoms of {name.lower()} can include:")]
        outro = [
            Sentence(
                f"Symptoms often {self.rng.choice(['come and go', 'build slowly', 'vary from day to day'])}, "
                "and not everyone has all of them.",
                cite(),
            )
        ]
        return Block("symptoms", parts=[intro, self._items(SYMPTOMS, 3, 6, cite), outro])

    def _when_to_see_a_doctor(self, name: str, part: str, cite) -> Block:
        rng = self.rng
        return Block(
            "when_to_see_a_doctor",
            parts=[
                [
                    Sentence(
                        f"See a doctor if {rng.choice(SYMPTOMS)[0].lower()} or "
                        f"{rng.choice(SYMPTOMS)[0].lower()} lasts longer than "
                        f"{rng.choice(['two weeks', 'a few days', 'a month'])}."
                    ),
                    Sentence(
                        f"Seek urgent help for sudden severe pain in the {part} or difficulty breathing."
                    ),
                ]
            ],
        )

    def _causes(self, name: str, part: str, cite) -> Block:
        rng = self.rng
        first, second = rng.sample(CAUSES, 2)
        return Block(
            "causes",
            parts=[
                [
                    Sentence(f"What causes {name.lower()} is not fully understood.", cite()),
                    Sentence(f"In many people it is linked to {first}.", cite()),
                ],
                [Sentence(f"Less often, {second} plays a part.", cite())],
            ],
        )

    def _risk_factors(self, name: str, part: str, cite) -> Block:
        intro = [Sentence(f"Factors that increase your risk of {name.lower()} include:")]
        return Block("risk_factors", parts=[intro, self._items(RISK_FACTORS, 3, 5, cite)])

    def _complications(self, name: str, part: str, cite) -> Block:
        intro = [Sentence(f"Without treatment, {name.lower()} can lead to complications such as:")]
        return Block("complications", parts=[intro, self._items(COMPLICATIONS, 2, 4, cite)])

    def _diagnosis(self, name: str, part: str, cite) -> Block:
        rng = self.rng
        tests = rng.sample(TESTS, 3)
        return Block(
            "diagnosis",
            parts=[
                [
                    Sentence(
                        f"To diagnose {name.lower()}, a doctor asks how you have been feeling and "
                        f"examines the {part}."
                    ),
                    Sentence(f"Tests may include {tests[0]}, {tests[1]} or {tests[2]}.", cite()),
                ]
            ],
        )

    def _treatment(self, name: str, part: str, cite) -> Block:
        intro = [Sentence(f"Treatment for {name.lower()} aims to ease discomfort and protect the {part}.")]
        return Block("treatment", parts=[intro, self._items(TREATMENTS, 3, 5, cite)])

    # references

    def references(self, count: int, *, today: date) -> list[RefSpec]:
        """``count`` references of mixed kinds; DOIs and PMIDs unique and canonical."""
        rng = self.rng
        kinds = (
            ["journal-article"] * 60 + ["book"] * 8 + ["book-chapter"] * 10 + ["web-page"] * 9
            + ["database"] * 5 + ["guideline"] * 6 + ["expert-opinion"] * 2
        )  # fmt: skip
        specs = []
        for n in range(count):
            kind = rng.choice(kinds)
            year = rng.randint(2004, today.year - 1)
            surname = rng.choice(SURNAMES)
            authors = [f"{surname} {rng.choice('ABCDEFGHJKLMNPRST')}{rng.choice(['', 'J', 'M', 'R'])}"]
            authors += [
                f"{rng.choice(SURNAMES)} {rng.choice('ABCDEFGHJKLMNPRST')}" for _ in range(rng.randint(0, 4))
            ]
            topic = f"{rng.choice(MODIFIERS).lower()} {rng.choice(ORGANS)[0]} {rng.choice(NOUNS)}"
            fields: dict = {"kind": kind, "year": year, "authors": "\n".join(authors)}
            if kind == "journal-article":
                fields.update(
                    title=f"{rng.choice(TITLE_TOPICS)} {topic}: {rng.choice(STUDY_TYPES)}",
                    container_title=rng.choice(JOURNALS),
                    volume=str(rng.randint(1, 80)),
                    issue=str(rng.randint(1, 12)),
                    pages=f"{(start := rng.randint(1, 900))}-{start + rng.randint(4, 20)}",
                )
                if rng.random() < 0.7:
                    fields["doi"] = f"10.{rng.randint(1000, 9999)}/bench.{year}.{n:05d}"
                if rng.random() < 0.6:
                    fields["pmid"] = str(30000000 + n * 7)
            elif kind in ("book", "book-chapter"):
                fields.update(
                    title=(topic.capitalize() if kind == "book-chapter" else rng.choice(BOOKS)),
                    container_title=rng.choice(BOOKS) if kind == "book-chapter" else "",
                    edition=f"{rng.randint(2, 12)}th ed",
                    publisher=rng.choice(PUBLISHERS),
                )
            elif kind in ("web-page", "database"):
                fields.update(
                    authors="" if rng.random() < 0.5 else fields["authors"],
                    title=f"{topic.capitalize()}: {rng.choice(['overview', 'patient guide', 'key facts'])}",
                    container_title=rng.choice(ORGANISATIONS),
                    url=f"https://health-reference.example.org/{kind}/{n}",
                    accessed_on=today - timedelta(days=rng.randint(30, 700)),
                )
            elif kind == "guideline":
                fields.update(
                    authors="",
                    title=f"Guideline on the {rng.choice(['diagnosis', 'management', 'care'])} of {topic}",
                    container_title=rng.choice(ORGANISATIONS),
                    publisher=rng.choice(ORGANISATIONS),
                )
            else:  # expert opinion
                fields.update(title="", authors=authors[0], note="Expert opinion.", publisher="MedSite")
            specs.append(RefSpec(fields))
        return specs


def _label(kind: str) -> str:
    return kind.replace("_", " ").capitalize()


# --- writing a page out --------------------------------------------------------------------------


def _cited(sentence: Sentence) -> str:
    """The sentence with its citation group before the final punctuation, Pandoc style."""
    if not sentence.cites:
        return sentence.text
    group = "; ".join(f"@{key}" for key in sentence.cites)
    return f"{sentence.text[:-1]} [{group}]{sentence.text[-1]}"


def block_markdown(block: Block) -> str:
    """A section body as an editor writes it: paragraphs, ``- **Lead.** text`` items, citations."""
    out = []
    for part in block.parts:
        if isinstance(part, Bullets):
            out.append("\n".join(f"- **{lead}.** {_cited(s)}" for lead, s in part.items))
        else:
            out.append(" ".join(_cited(s) for s in part))
    return "\n\n".join(out)


def block_plain(block: Block) -> str:
    """A section as the scraped seed-000 format has it: no citations, "  • " bullets."""
    out = []
    for part in block.parts:
        if isinstance(part, Bullets):
            out.append("\n".join(f"  • {lead}. {s.text}" for lead, s in part.items))
        else:
            out.append(" ".join(s.text for s in part))
    return "\n\n".join(out)


def summary(page: Page) -> str:
    """The card text: the first paragraph of the overview, without citations."""
    first = page.blocks[0].parts[0]
    return " ".join(s.text for s in first) if isinstance(first, list) else page.name


def plain_page(page: Page, reference_lines: list[str], *, appeal: str) -> str:
    """The whole page in the scraped format ``import_condition`` reads (seed 000's layout)."""
    chunks = []
    for block in page.blocks:
        body = block_plain(block)
        if block.kind == "when_to_see_a_doctor":
            body = "When to see a doctor\n\n" + body  # the one heading line such pages keep
        chunks.append(body)
    day = page.reviewed_on
    chunks.append(f"{MONTHS[day.month - 1]} {day.day:02d}, {day.year}")
    chunks[-1] += "\n\n" + "\n".join(f"  {n}. {line}" for n, line in enumerate(reference_lines, start=1))
    chunks.append(appeal)
    return "\n" + "\n\n\n".join(chunks) + "\n"


_HEADINGS = {
    "overview": "Overview",
    "symptoms": "Symptoms",
    "when_to_see_a_doctor": "When to see a doctor",
    "causes": "Causes",
    "risk_factors": "Risk factors",
    "complications": "Complications",
    "diagnosis": "Diagnosis",
    "treatment": "Treatment",
    "prevention": "Prevention",
    "living_with": "Living with it",
}


def html_page(page: Page, reference_lines: list[str]) -> str:
    """The page as a publisher's saved web page: navigation, a headed article with lists, its
    date in JSON-LD and a ``<time>``, a numbered reference list, a footer."""
    esc = html.escape
    body = []
    for block in page.blocks:
        body.append(f"<h2>{esc(block.heading or _HEADINGS.get(block.kind, block.kind.title()))}</h2>")
        for part in block.parts:
            if isinstance(part, Bullets):
                items = "".join(
                    f"<li><strong>{esc(lead)}.</strong> {esc(s.text)}</li>" for lead, s in part.items
                )
                body.append(f"<ul>{items}</ul>")
            else:
                body.append(f"<p>{esc(' '.join(s.text for s in part))}</p>")
    day = page.reviewed_on.isoformat()
    refs = "".join(f"<li>{esc(line)}</li>" for line in reference_lines)
    ld = json.dumps({"@context": "https://schema.org", "@type": "MedicalWebPage", "lastReviewed": day})
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{esc(page.name)} | Example "
        f"Health</title><script type='application/ld+json'>{ld}</script></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/a-z'>Health A to Z</a> "
        "<a href='/donate'>Donate today</a></nav></header>"
        f"<main><article><h1>{esc(page.name)}</h1>{''.join(body)}"
        f"<p>Page last reviewed: <time datetime='{day}'>{day}</time></p>"
        f"<h2>References</h2><ol>{refs}</ol></article></main>"
        "<footer><p>Sign up for our newsletter.</p><p>© Example Health.</p></footer></body></html>\n"
    )


# Site chrome after the page, which the importer must drop (its wording is our own).
APPEALS = [
    "Sign up for our free health newsletter!\n\nNew advice from clinicians every month!",
    "Your donation keeps this library free!\n\nHelp us write the next page!",
    "Make a gift today!\n\nIndependent health information depends on readers like you!",
]
