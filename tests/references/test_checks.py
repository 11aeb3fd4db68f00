from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from medsite.dates import add_months
from references import journals
from references.checks import check_citations, normalize_title
from references.models import Reference
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db

WEB = Reference.Kind.WEB_PAGE


def _run(*args: str) -> str:
    """The command's output; it must succeed."""
    out = StringIO()
    call_command("check_citations", *args, stdout=out)
    return out.getvalue()


def _run_failing(*args: str, problems: int) -> list[str]:
    """The command's output lines; it must fail, naming the number of problems."""
    out = StringIO()
    noun = "problem" if problems == 1 else "problems"
    with pytest.raises(CommandError, match=rf"^{problems} citation {noun} found\.$"):
        call_command("check_citations", *args, stdout=out)
    return out.getvalue().splitlines()


def _months_ago(months: int, days: int = 0):
    return add_months(timezone.localdate(), -months) - timedelta(days=days)


def test_clean_site_says_so_and_succeeds(editor, reviewer):
    cited = make_reference("cited2021")
    listed = make_reference("listed2020")
    web = make_reference("nhs-gout", kind=WEB, url="https://www.nhs.uk/gout/", accessed_on=_months_ago(11))
    published_only = make_reference("old2001")
    page = make_condition(
        editor,
        "Gout",
        sections=[("overview", f"Gout hurts [@{cited.key}; @{published_only.key}].")],
        short_answers=[("Is gout common?", f"Yes [@{web.key}].", "")],
        reference_keys=[listed.key],
    )
    publish(page, editor=editor, reviewer=reviewer)
    # The working copy no longer cites old2001, but the live version still shows it.
    make_condition(
        editor,
        "Gout",
        sections=[("overview", f"Gout hurts [@{cited.key}].")],
        short_answers=[("Is gout common?", f"Yes [@{web.key}].", "")],
        reference_keys=[listed.key],
    )

    assert _run() == "No citation problems found.\n"


def test_unknown_keys_are_listed_with_every_page_and_part_citing_them(editor):
    make_reference("known2020")
    make_condition(
        editor,
        "Gout",
        sections=[
            ("overview", "See [@known2020; @missing1999]."),
            ("symptoms", "Pain [@missing1999, p. 3]."),
        ],
        short_answers=[("Is it catching?", "No.", "Never [@typo2020].")],
        reference_keys=["known2020"],
    )
    make_condition(editor, "Acne", sections=[("overview", "Spots [@missing1999].")])

    assert _run_failing(problems=2) == [
        "Unknown citation keys (2):",
        "  [@missing1999] in Acne, section “Overview”; Gout, section “Overview”; Gout, section “Symptoms”",
        "  [@typo2020] in Gout, short answer “Is it catching?”",
    ]


def test_references_used_nowhere_are_listed_and_used_ones_are_not(editor, reviewer):
    make_reference("cited2021")
    make_reference("listed2020")
    make_reference("published2019")
    make_reference("orphan2018", title="An orphaned study")
    page = make_condition(
        editor,
        "Gout",
        sections=[("overview", "Gout [@cited2021; @published2019].")],
        reference_keys=["listed2020"],
    )
    publish(page, editor=editor, reviewer=reviewer)
    make_condition(
        editor, "Gout", sections=[("overview", "Gout [@cited2021].")], reference_keys=["listed2020"]
    )

    assert _run_failing(problems=1) == [
        "References never used (not cited, listed or published) (1):",
        "  orphan2018: An orphaned study",
    ]


def test_online_sources_need_an_access_date_within_the_window(editor):
    fresh = make_reference("fresh", kind=WEB, url="https://a.example/", accessed_on=_months_ago(11))
    exactly_a_year = make_reference("year", kind=WEB, url="https://b.example/", accessed_on=_months_ago(12))
    stale = make_reference("stale", kind=WEB, url="https://c.example/", accessed_on=_months_ago(13))
    just_over = make_reference(
        "just-over", kind=Reference.Kind.DATABASE, url="https://d.example/", accessed_on=_months_ago(12, 1)
    )
    undated = make_reference("undated", kind=WEB, url="https://e.example/", accessed_on=None)
    # Not online sources with a URL: the access date does not apply.
    article = make_reference("article", url="https://f.example/", accessed_on=_months_ago(40))
    no_url = make_reference("no-url", kind=WEB, accessed_on=None)
    keys = [ref.key for ref in (fresh, exactly_a_year, stale, just_over, undated, article, no_url)]
    make_condition(editor, "Gout", reference_keys=keys)

    assert _run_failing(problems=4) == [
        "Online sources with a missing or stale access date (older than 12 months) (3):",
        f"  just-over: accessed {_months_ago(12, 1):%Y-%m-%d}, over 12 months ago (https://d.example/)",
        f"  stale: accessed {_months_ago(13):%Y-%m-%d}, over 12 months ago (https://c.example/)",
        "  undated: no access date (https://e.example/)",
        # Not stale, but a web page AMA cannot cite without where and when it was read.
        "References that cannot be formatted in full (AMA) (1):",
        "  no-url: no URL; no access date",
    ]


def test_months_option_narrows_the_staleness_window(editor):
    make_reference("fresh", kind=WEB, url="https://a.example/", accessed_on=_months_ago(5))
    make_reference("older", kind=WEB, url="https://b.example/", accessed_on=_months_ago(7))
    make_condition(editor, "Gout", reference_keys=["fresh", "older"])

    assert _run("--months", "12") == "No citation problems found.\n"
    assert _run_failing("--months", "6", problems=1) == [
        "Online sources with a missing or stale access date (older than 6 months) (1):",
        f"  older: accessed {_months_ago(7):%Y-%m-%d}, over 6 months ago (https://b.example/)",
    ]


def test_months_option_rejects_nonsense():
    with pytest.raises(CommandError, match="whole number of months"):
        call_command("check_citations", "--months", "soon", stdout=StringIO())


def test_duplicates_by_doi_pmid_and_title_with_year(editor):
    make_reference("doi-a", doi="10.1000/abc")
    make_reference("doi-b", doi="10.1000/other")
    make_reference("pmid-a", pmid="12345")
    make_reference("pmid-b", pmid="99")
    make_reference("title-a", title="Gout: a Review.", year=2020)
    make_reference("title-b", title="GOUT — a   review", year=2020)
    make_reference("title-c", title="Gout: a review", year=2021)  # another year: another edition
    make_reference("untitled-a", title="", year=2020)
    make_reference("untitled-b", title="", year=2020)
    # Rows written before identifiers were made canonical (save() is bypassed on purpose).
    Reference.objects.filter(key="doi-b").update(doi="https://doi.org/10.1000/ABC")
    Reference.objects.filter(key="pmid-b").update(pmid="PMID: 012345")
    make_condition(editor, "Gout", reference_keys=list(Reference.objects.values_list("key", flat=True)))

    assert _run_failing(problems=3) == [
        "Duplicate references (3):",
        "  same DOI 10.1000/abc: doi-a, doi-b",
        "  same PMID 12345: pmid-a, pmid-b",
        "  same title and year gout a review (2020): title-a, title-b",
    ]


def test_distinct_references_are_not_duplicates(editor):
    make_reference("a", title="Gout: a review", year=2020, doi="10.1000/a", pmid="1")
    make_reference("b", title="Gout: a review", year=2021, doi="10.1000/b", pmid="2")
    make_reference("c", title="Gout: a reviewer's guide", year=2020)
    make_reference(
        "d", kind=WEB, title="Gout", year=None, url="https://d.example/", accessed_on=_months_ago(1)
    )
    make_reference(
        "e", kind=WEB, title="Gout", year=None, url="https://e.example/", accessed_on=_months_ago(1)
    )
    make_condition(editor, "Gout", reference_keys=["a", "b", "c", "d", "e"])

    assert _run() == "No citation problems found.\n"


def test_every_problem_kind_is_grouped_with_counts(editor):
    make_reference("orphan", title="Orphan")
    make_reference("undated", kind=WEB, url="https://a.example/", accessed_on=None)
    make_reference("twin-a", title="Same", year=2000)
    make_reference("twin-b", title="same.", year=2000)
    make_condition(
        editor, "Gout", sections=[("overview", "[@nope] [@undated]")], reference_keys=["twin-a", "twin-b"]
    )

    assert _run_failing(problems=4) == [
        "Unknown citation keys (1):",
        "  [@nope] in Gout, section “Overview”",
        "References never used (not cited, listed or published) (1):",
        "  orphan: Orphan",
        "Online sources with a missing or stale access date (older than 12 months) (1):",
        "  undated: no access date (https://a.example/)",
        "Duplicate references (1):",
        "  same title and year same (2000): twin-a, twin-b",
    ]


def test_query_count_does_not_grow_with_the_number_of_pages(editor):
    make_reference("ref")
    for n in range(5):
        make_condition(
            editor,
            f"Condition {n}",
            sections=[("overview", "Text [@ref] [@unknown]."), ("causes", "More.")],
            short_answers=[("Why?", "Because [@ref].", "Details.")],
        )

    with CaptureQueriesContext(connection) as queries:
        report = check_citations(today=timezone.localdate())

    # Sections (with conditions), short answers (with conditions), references, page links,
    # publication links.
    assert len(queries) == 5
    assert [item.key for item in report.unknown_keys] == ["unknown"]
    assert len(report.unknown_keys[0].places) == 5


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Gout: A Review.", "gout a review"),
        ("  gout —  a\treview ", "gout a review"),
        ("Crohn's disease (CD)", "crohn s disease cd"),
        ("Ménière’s disease", "ménière s disease"),
        ("", ""),
    ],
)
def test_normalize_title_ignores_case_punctuation_and_spacing(title, expected):
    assert normalize_title(title) == expected


def test_references_that_cannot_be_formatted_in_full_are_listed_with_reasons(editor):
    make_reference("complete")
    make_reference("abbreviated", container_title="", journal_abbreviation="N Engl J Med")
    make_reference("online-first", volume="", issue="", pages="", published_online=timezone.localdate())
    make_reference("article-number", pages="", elocator="e045123")
    make_reference("no-volume-no-pages", volume="", issue="", pages="")
    make_reference("no-year", year=None)
    make_reference("no-journal", container_title="")
    make_reference("book", kind=Reference.Kind.BOOK, title="Gout Explained", publisher="Elsevier")
    make_reference("book-no-publisher", kind=Reference.Kind.BOOK, title="Gout in Practice", publisher="")
    make_reference(
        "chapter", kind=Reference.Kind.BOOK_CHAPTER, title="Diet", container_title="", publisher=""
    )
    make_reference("web-dated", kind=WEB, title="Gout", url="https://a.example/", accessed_on=_months_ago(1))
    make_reference("web-no-url", kind=WEB, title="Gout diet", accessed_on=_months_ago(1))
    make_reference(
        "as-written", kind=Reference.Kind.OTHER, title="", container_title="", original_text="Gout. 2020."
    )
    make_condition(editor, "Gout", reference_keys=list(Reference.objects.values_list("key", flat=True)))

    assert _run_failing(problems=6) == [
        "References that cannot be formatted in full (AMA) (6):",
        "  book-no-publisher: no publisher",
        "  chapter: no book title; no publisher",
        "  no-journal: no journal",
        "  no-volume-no-pages: no volume; no pages or article number",
        "  no-year: no year",
        "  web-no-url: no URL",
    ]


def test_a_journal_with_no_abbreviation_available_is_listed(editor, monkeypatch):
    # Without the ISO 4 word list (pyiso4 not installed), only the table of NLM titles is left.
    monkeypatch.setattr(journals, "_iso4", lambda: None)
    journals.abbreviate_journal.cache_clear()
    make_reference("known", container_title="The New England Journal of Medicine")
    make_reference(
        "own-abbreviation", container_title="Journal of Rare Things", journal_abbreviation="J Rare Things"
    )
    make_reference("unknown", container_title="Journal of Rare Things")
    make_condition(editor, "Gout", reference_keys=["known", "own-abbreviation", "unknown"])

    try:
        lines = _run_failing(problems=1)
    finally:
        journals.abbreviate_journal.cache_clear()
    assert lines == [
        "References that cannot be formatted in full (AMA) (1):",
        "  unknown: no abbreviation known for the journal “Journal of Rare Things”",
    ]
