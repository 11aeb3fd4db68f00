from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from conditions.models import system_user
from medsite.audit.models import AuditRecord
from references import importers
from references.models import Reference
from tests.factories import make_condition, make_reference

pytestmark = pytest.mark.django_db

# Four sources as reference managers write them: a journal article with DOI and PMID, a book,
# a chapter of that book, and a web page read on a given day. Real bibliographic data.
BIBTEX = r"""% Exported from Zotero
@article{ford2020,
  author = {Ford, Alexander C. and Mahadeva, Sanjiv and Carbone, M. Florencia and Lacy, Brian E. and
            Talley, Nicholas J.},
  title = {{Functional dyspepsia}},
  journal = {Lancet},
  year = {2020},
  volume = {396},
  number = {10263},
  pages = {1689--1702},
  doi = {https://doi.org/10.1016/S0140-6736(20)30469-4},
  pmid = {33049222},
}

@book{feldman2021,
  author = {Feldman, Mark and Friedman, Lawrence S. and Brandt, Lawrence J.},
  title = {Sleisenger and Fordtran's Gastrointestinal and Liver Disease},
  edition = {11th},
  publisher = {Elsevier},
  address = {Philadelphia, PA},
  year = {2021}
}

@incollection{lacy2021,
  author = {Lacy, Brian E.},
  title = {Dyspepsia},
  booktitle = {Sleisenger and Fordtran's Gastrointestinal and Liver Disease},
  edition = {11},
  publisher = {Elsevier},
  address = {Philadelphia, PA},
  year = {2021},
  pages = {180--195}
}

@online{nhs2023,
  author = {{National Health Service}},
  title = {Indigestion},
  organization = {NHS website},
  year = {2023},
  url = {https://www.nhs.uk/conditions/indigestion/},
  urldate = {2024-03-01}
}
"""

RIS = """\
Provider: Zotero
Content: text/plain; charset="UTF-8"

TY  - JOUR
ID  - ford2020
AU  - Ford, Alexander C.
AU  - Mahadeva, Sanjiv
AU  - Carbone, M. Florencia
AU  - Lacy, Brian E.
AU  - Talley, Nicholas J.
TI  - Functional dyspepsia
JO  - Lancet
PY  - 2020/10/17/
VL  - 396
IS  - 10263
SP  - 1689
EP  - 1702
DO  - 10.1016/S0140-6736(20)30469-4
AN  - 33049222
ER  -

TY  - BOOK
AU  - Feldman, Mark
AU  - Friedman, Lawrence S.
AU  - Brandt, Lawrence J.
TI  - Sleisenger and Fordtran's Gastrointestinal and Liver Disease
ET  - 11th ed.
PB  - Elsevier
CY  - Philadelphia, PA
PY  - 2021
ER  -

TY  - CHAP
AU  - Lacy, Brian E.
TI  - Dyspepsia
T2  - Sleisenger and Fordtran's Gastrointestinal and Liver Disease
ET  - 11
PB  - Elsevier
CY  - Philadelphia, PA
PY  - 2021
SP  - 180
EP  - 195
ER  -

TY  - ELEC
AU  - National Health Service
TI  - Indigestion
T2  - NHS website
PY  - 2023
UR  - https://www.nhs.uk/conditions/indigestion/
Y2  - 2024/03/01/
ER  -
"""

CSL_JSON = """\
[
  {
    "id": "ford2020",
    "type": "article-journal",
    "title": "Functional dyspepsia",
    "container-title": "Lancet",
    "author": [
      {"family": "Ford", "given": "Alexander C."},
      {"family": "Mahadeva", "given": "Sanjiv"},
      {"family": "Carbone", "given": "M. Florencia"},
      {"family": "Lacy", "given": "Brian E."},
      {"family": "Talley", "given": "Nicholas J."}
    ],
    "issued": {"date-parts": [[2020, 10, 17]]},
    "volume": "396",
    "issue": "10263",
    "page": "1689-1702",
    "DOI": "10.1016/S0140-6736(20)30469-4",
    "PMID": "33049222"
  },
  {
    "id": "feldman2021",
    "type": "book",
    "title": "Sleisenger and Fordtran's Gastrointestinal and Liver Disease",
    "author": [
      {"family": "Feldman", "given": "Mark"},
      {"family": "Friedman", "given": "Lawrence S."},
      {"family": "Brandt", "given": "Lawrence J."}
    ],
    "edition": 11,
    "publisher": "Elsevier",
    "publisher-place": "Philadelphia, PA",
    "issued": {"date-parts": [[2021]]}
  },
  {
    "id": "lacy2021",
    "type": "chapter",
    "title": "Dyspepsia",
    "container-title": "Sleisenger and Fordtran's Gastrointestinal and Liver Disease",
    "author": [{"family": "Lacy", "given": "Brian E."}],
    "edition": "11",
    "publisher": "Elsevier",
    "publisher-place": "Philadelphia, PA",
    "issued": {"date-parts": [[2021]]},
    "page": "180-195"
  },
  {
    "id": "nhs2023",
    "type": "webpage",
    "title": "Indigestion",
    "container-title": "NHS website",
    "author": [{"literal": "National Health Service"}],
    "issued": {"date-parts": [[2023]]},
    "URL": "https://www.nhs.uk/conditions/indigestion/",
    "accessed": {"date-parts": [[2024, 3, 1]]}
  }
]
"""

# PubMed's "Save citation to file" format. MEDLINE holds articles and Bookshelf books and
# chapters; it has no web pages or access dates.
MEDLINE = """\
PMID- 33049222
OWN - NLM
STAT- MEDLINE
DCOM- 20201026
IS  - 1474-547X (Electronic)
VI  - 396
IP  - 10263
DP  - 2020 Oct 17
TI  - Functional dyspepsia.
PG  - 1689-1702
LID - S0140-6736(20)30469-4 [pii]
LID - 10.1016/S0140-6736(20)30469-4 [doi]
AB  - Functional dyspepsia is a common disorder of gut-brain interaction, with a prevalence
      of up to 16% in the general population.
FAU - Ford, Alexander C
AU  - Ford AC
FAU - Mahadeva, Sanjiv
AU  - Mahadeva S
FAU - Carbone, M Florencia
AU  - Carbone MF
FAU - Lacy, Brian E
AU  - Lacy BE
FAU - Talley, Nicholas J
AU  - Talley NJ
LA  - eng
PT  - Journal Article
PT  - Review
PL  - England
TA  - Lancet
JT  - Lancet (London, England)
JID - 2985213R
SO  - Lancet. 2020 Oct 17;396(10263):1689-1702. doi: 10.1016/S0140-6736(20)30469-4.

PMID- 29262121
BTI - Clinical Methods: The History, Physical, and Laboratory Examinations
AB  - A textbook of the history, physical and laboratory examinations.
FED - Walker, H Kenneth
ED  - Walker HK
EN  - 3rd
PB  - Butterworths
PL  - Boston
DP  - 1990
LA  - eng
PT  - Review
PT  - Book

PMID- 21250063
STAT- Publisher
DP  - 1990
TI  - Dyspepsia.
BTI - Clinical Methods: The History, Physical, and Laboratory Examinations
AB  - Dyspepsia is a chronic or recurrent discomfort centered in the upper
      abdomen.
FAU - Ciccone, John
AU  - Ciccone J
EN  - 3rd
PB  - Butterworths
PL  - Boston
PT  - Review
PT  - Book Chapter
"""

ARTICLE = {
    "kind": "journal-article",
    "authors": "Ford AC\nMahadeva S\nCarbone MF\nLacy BE\nTalley NJ",
    "title": "Functional dyspepsia",
    "container_title": "Lancet",
    "year": 2020,
    "volume": "396",
    "issue": "10263",
    "pages": "1689-1702",
    "doi": "10.1016/s0140-6736(20)30469-4",
    "pmid": "33049222",
    "url": "",
    "accessed_on": None,
}
BOOK = {
    "kind": "book",
    "authors": "Feldman M\nFriedman LS\nBrandt LJ",
    "title": "Sleisenger and Fordtran's Gastrointestinal and Liver Disease",
    "container_title": "",
    "edition": "11",
    "publisher": "Elsevier",
    "place": "Philadelphia, PA",
    "year": 2021,
    "doi": "",
}
CHAPTER = {
    "kind": "book-chapter",
    "authors": "Lacy BE",
    "title": "Dyspepsia",
    "container_title": "Sleisenger and Fordtran's Gastrointestinal and Liver Disease",
    "edition": "11",
    "publisher": "Elsevier",
    "place": "Philadelphia, PA",
    "year": 2021,
    "pages": "180-195",
}
WEB_PAGE = {
    "kind": "web-page",
    "authors": "National Health Service",
    "title": "Indigestion",
    "container_title": "NHS website",
    "year": 2023,
    "url": "https://www.nhs.uk/conditions/indigestion/",
    "accessed_on": date(2024, 3, 1),
}
MEDLINE_EXPECTED = {
    "33049222": {**ARTICLE, "key": "ford2020"},
    "29262121": {
        "kind": "book",
        "title": "Clinical Methods: The History, Physical, and Laboratory Examinations",
        "authors": "",
        "edition": "3",
        "publisher": "Butterworths",
        "place": "Boston",
        "year": 1990,
    },
    "21250063": {
        "kind": "book-chapter",
        "key": "ciccone1990",
        "authors": "Ciccone J",
        "title": "Dyspepsia",
        "container_title": "Clinical Methods: The History, Physical, and Laboratory Examinations",
        "edition": "3",
        "publisher": "Butterworths",
        "place": "Boston",
        "year": 1990,
    },
}
SAMPLES = {"bibtex": (BIBTEX, "refs.bib"), "ris": (RIS, "refs.ris"), "csl-json": (CSL_JSON, "refs.json")}
SAMPLES["medline"] = (MEDLINE, "pubmed.nbib")


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_references", str(path), *args, stdout=out)
    return out.getvalue()


def _fields(reference: Reference, names) -> dict:
    return {name: getattr(reference, name) for name in names}


def _assert_refused(path: Path, *expected: str, args: tuple[str, ...] = ()) -> str:
    """The import fails naming every expected problem, and writes nothing."""
    references, revisions = Reference.objects.count(), Revision.objects.count()
    with pytest.raises(CommandError) as caught:
        _import(path, *args)
    message = str(caught.value)
    assert message.startswith("Nothing was imported.")
    for text in expected:
        assert text in message
    assert Reference.objects.count() == references
    assert Revision.objects.count() == revisions
    return message


# --- each format -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_sample_file_imports_four_kinds_with_their_fields(tmp_path, fmt):
    text, name = SAMPLES[fmt]
    out = _import(_write(tmp_path, name, text))

    assert "4 created, 0 updated, 0 skipped" in out
    by_title = {(ref.kind, ref.title): ref for ref in Reference.objects.all()}
    for expected in (ARTICLE, BOOK, CHAPTER, WEB_PAGE):
        ref = by_title[(expected["kind"], expected["title"])]
        assert _fields(ref, expected) == expected
    assert Reference.objects.get(doi=ARTICLE["doi"]).key == "ford2020"


def test_bibtex_keys_are_the_citekeys_and_ris_keys_are_generated(tmp_path):
    _import(_write(tmp_path, "refs.bib", BIBTEX))
    assert set(Reference.objects.values_list("key", flat=True)) == {
        "ford2020",
        "feldman2021",
        "lacy2021",
        "nhs2023",
    }
    Reference.objects.all().delete()

    _import(_write(tmp_path, "refs.ris", RIS))
    # ID where the record has one; otherwise first author (or organisation) and year.
    assert set(Reference.objects.values_list("key", flat=True)) == {
        "ford2020",
        "feldman2021",
        "lacy2021",
        "nationalhealthservice2023",
    }


def test_medline_file_imports_article_book_and_chapter(tmp_path):
    out = _import(_write(tmp_path, "pubmed.nbib", MEDLINE))

    assert "3 created, 0 updated, 0 skipped" in out
    for pmid, expected in MEDLINE_EXPECTED.items():
        ref = Reference.objects.get(pmid=pmid)
        assert _fields(ref, expected) == expected
    # Continuation lines join the value they continue; AMA wants the NLM abbreviation (TA).
    assert Reference.objects.get(pmid="33049222").container_title == "Lancet"


def test_bibtex_latex_markup_becomes_plain_text(tmp_path):
    text = r"""@article{muller2019,
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Maria and Smith, Jr., John and others},
  title = {{T}he {COVID}-19 pandemic: 50% \& more -- a review},
  journal = {Z Gastroenterol},
  year = {2019},
  month = jan,
}"""
    _import(_write(tmp_path, "latex.bib", text))

    ref = Reference.objects.get(key="muller2019")
    assert ref.authors == "Müller J\nvan der Berg M\nSmith J Jr\net al"
    assert ref.title == "The COVID-19 pandemic: 50% & more – a review"


def test_citekeys_are_made_valid_slugs(tmp_path):
    _import(_write(tmp_path, "keys.bib", "@book{Smith:2020/a, title = {A book}, year = 2020}"))
    assert Reference.objects.get().key == "Smith-2020-a"


# --- re-import and deduplication -------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(SAMPLES))
def test_importing_the_same_file_again_changes_nothing(tmp_path, fmt):
    text, name = SAMPLES[fmt]
    path = _write(tmp_path, name, text)
    _import(path)
    rows = {ref.pk: ref.updated_at for ref in Reference.objects.all()}
    revisions, versions = Revision.objects.count(), Version.objects.count()

    out = _import(path)

    assert f"0 created, 0 updated, {len(rows)} skipped" in out
    assert out.count("already up to date") == len(rows)
    assert {ref.pk: ref.updated_at for ref in Reference.objects.all()} == rows
    assert (Revision.objects.count(), Version.objects.count()) == (revisions, versions)


def test_ris_record_with_the_doi_of_a_bibtex_reference_updates_it(tmp_path):
    _import(_write(tmp_path, "refs.bib", BIBTEX))
    ris = """TY  - JOUR
ID  - something-else
TI  - Functional dyspepsia
JO  - Lancet
PY  - 2020
DO  - https://doi.org/10.1016/S0140-6736(20)30469-4
N1  - Seminar
ER  -
"""
    out = _import(_write(tmp_path, "one.ris", ris))

    assert "0 created, 1 updated, 0 skipped" in out
    assert "updated ford2020" in out and "matched by DOI; changed note" in out
    ref = Reference.objects.get(doi=ARTICLE["doi"])
    assert (ref.key, ref.note, ref.pmid) == ("ford2020", "Seminar", "33049222")  # key and PMID kept
    assert Reference.objects.count() == 4


def test_reference_is_matched_by_pmid_when_it_has_no_doi(tmp_path):
    make_reference("ford-lancet", title="Functional dyspepsia", doi="", pmid="33049222", volume="")
    out = _import(_write(tmp_path, "pubmed.nbib", MEDLINE))

    assert "1 updated" in out and "matched by PMID" in out
    ref = Reference.objects.get(pmid="33049222")
    assert (ref.key, ref.doi, ref.volume) == ("ford-lancet", ARTICLE["doi"], "396")
    assert Reference.objects.filter(title="Functional dyspepsia").count() == 1


def test_reference_is_matched_by_key_last(tmp_path):
    make_reference("nhs2023", kind="web-page", title="Indigestion (old title)", url="", volume="")
    out = _import(_write(tmp_path, "refs.json", CSL_JSON))

    assert "3 created, 1 updated, 0 skipped" in out
    ref = Reference.objects.get(key="nhs2023")
    assert (ref.title, ref.accessed_on) == ("Indigestion", date(2024, 3, 1))


def test_a_key_taken_by_a_different_source_gets_a_free_one(tmp_path):
    make_reference("ford2020", title="Another paper", doi="10.1000/other")
    _import(_write(tmp_path, "refs.bib", BIBTEX))

    assert Reference.objects.get(key="ford2020").title == "Another paper"
    assert Reference.objects.get(key="ford2020b").doi == ARTICLE["doi"]


def test_doi_and_pmid_of_two_different_references_is_refused(tmp_path):
    make_reference("a2020", doi="10.1016/s0140-6736(20)30469-4")
    make_reference("b2020", pmid="33049222")
    _assert_refused(
        _write(tmp_path, "refs.bib", BIBTEX), "refs.bib, line 2: conflict: its DOI is that of a2020"
    )


def test_duplicates_within_a_file_are_imported_once(tmp_path):
    repeat = (
        "\nTY  - JOUR\nTI  - Functional dyspepsia\nDO  - 10.1016/S0140-6736(20)30469-4\nN1  - Again\nER  -\n"
    )
    out = _import(_write(tmp_path, "dups.ris", RIS + repeat))

    assert "4 created, 0 updated, 1 skipped" in out
    assert "the same source as line 4 (DOI)" in out
    # The repeat fills what the first left empty.
    assert Reference.objects.get(doi=ARTICLE["doi"]).note == "Again"


def test_writes_one_revision_by_the_system_user(tmp_path):
    _import(_write(tmp_path, "refs.bib", BIBTEX))

    revision = Revision.objects.get()
    assert revision.comment == "Imported from refs.bib"
    assert revision.user == system_user()
    assert revision.version_set.count() == 4


def test_dry_run_writes_nothing_and_says_what_would_happen(tmp_path):
    make_reference("ford2020", title="Functional dyspepsia (draft)", doi=ARTICLE["doi"])
    users = system_user().__class__.objects.count()
    before = Reference.objects.count(), Revision.objects.count()

    out = _import(_write(tmp_path, "refs.bib", BIBTEX), "--dry-run")

    assert "line 2: would be updated ford2020" in out
    assert "line 15: would be created feldman2021" in out
    assert "Dry run: 3 created, 1 updated, 0 skipped; nothing was written." in out
    assert (Reference.objects.count(), Revision.objects.count()) == before
    assert Reference.objects.get(key="ford2020").title == "Functional dyspepsia (draft)"
    assert system_user().__class__.objects.count() == users


# --- recognising the format ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(SAMPLES))
def test_format_is_guessed_from_the_content(tmp_path, fmt):
    text, _ = SAMPLES[fmt]
    assert importers.guess_format(text) == fmt
    out = _import(_write(tmp_path, "download.txt", text))  # the extension says nothing
    assert "created" in out


def test_format_given_explicitly_is_used(tmp_path):
    out = _import(_write(tmp_path, "refs.txt", RIS), "--format", "ris")
    assert "4 created" in out
    _assert_refused(_write(tmp_path, "refs2.txt", RIS), "no references found", args=("--format", "bibtex"))


def test_unknown_format_and_unrecognisable_text_are_refused(tmp_path):
    path = _write(tmp_path, "refs.bib", BIBTEX)
    _assert_refused(
        path,
        "Unknown format “endnote”: use one of bibtex, ris, csl-json, medline.",
        args=("--format", "endnote"),
    )
    _assert_refused(
        _write(tmp_path, "notes.txt", "Just some notes.\nNo references here.\n"), "cannot tell the format"
    )


# --- bad input: one line-numbered error per problem, nothing written ------------------------


def test_unreadable_binary_and_empty_files_are_refused(tmp_path):
    _assert_refused(tmp_path / "missing.bib", "missing.bib: no such file.")
    _assert_refused(_write(tmp_path, "image.bib", b"\x89PNG\r\n\x1a\n\x00\x00"), "is a binary file")
    _assert_refused(_write(tmp_path, "empty.ris", "  \n"), "empty.ris: is empty.")
    _assert_refused(
        _write(tmp_path, "latin1.bib", "@book{a, title={Caf\xe9}}".encode("latin-1")), "not UTF-8"
    )


def test_bibtex_block_that_cannot_be_parsed_names_its_line(tmp_path):
    text = BIBTEX.replace("  title = {Dyspepsia},", "  title = {Dyspepsia,")
    message = _assert_refused(
        _write(tmp_path, "refs.bib", text), "refs.bib, line 24: this entry cannot be read"
    )
    assert "line 2:" not in message  # the good entries are not blamed


def test_third_entry_bad_writes_neither_of_the_first_two(tmp_path):
    text = BIBTEX.replace("  title = {Dyspepsia},", "  title = {},")
    _assert_refused(_write(tmp_path, "refs.bib", text), "refs.bib, line 24: the entry has no title.")
    assert not Reference.objects.filter(key__in=["ford2020", "feldman2021"]).exists()


def test_each_bad_entry_is_reported(tmp_path):
    text = BIBTEX.replace("pmid = {33049222}", "pmid = {PMC7654321}").replace(
        "urldate = {2024-03-01}", "urldate = {yesterday}"
    )
    message = _assert_refused(
        _write(tmp_path, "refs.bib", text),
        "refs.bib, line 12: “PMC7654321” is not a PubMed id",
        "refs.bib, line 41: the access date “yesterday” is not a date",
    )
    assert len(message.splitlines()) == 3


def test_duplicate_bibtex_keys_are_refused(tmp_path):
    text = BIBTEX.replace("@incollection{lacy2021,", "@incollection{feldman2021,")
    _assert_refused(
        _write(tmp_path, "refs.bib", text),
        "line 24: the key “feldman2021” is already used by the entry on line 15.",
    )


def test_bad_ris_records_name_their_lines(tmp_path):
    text = RIS.replace("DO  - 10.1016/S0140-6736(20)30469-4", "DO  - not a doi").replace(
        "PY  - 2021\nER  -\n\nTY  - CHAP", "PY  - n.d.\nER  -\n\nTY  - CHAP"
    )
    _assert_refused(
        _write(tmp_path, "refs.ris", text),
        "refs.ris, line 18: “not a doi” is not a DOI",
        "refs.ris, line 30: the year “n.d.” is not a year",
    )
    unterminated = RIS.rsplit("ER  -", 1)[0]
    _assert_refused(
        _write(tmp_path, "cut.ris", unterminated), "cut.ris, line 45: the record has no “ER  - ” line"
    )
    stray = RIS.replace("TY  - BOOK\n", "")
    _assert_refused(_write(tmp_path, "stray.ris", stray), "stray.ris, line 22: “AU” is outside a record")


def test_bad_csl_json_names_the_line_or_the_item(tmp_path):
    broken = CSL_JSON.replace('"volume": "396",', '"volume": "396"')
    _assert_refused(
        _write(tmp_path, "refs.json", broken), "refs.json, line 16, column 5: this is not valid JSON"
    )

    items = CSL_JSON.replace('"title": "Dyspepsia",', "").replace(
        '"accessed": {"date-parts": [[2024, 3, 1]]}', '"accessed": {"date-parts": [[2024, 13, 1]]}'
    )
    _assert_refused(
        _write(tmp_path, "items.json", items),
        "items.json, item 3 (line 35): the entry has no title.",
        "items.json, item 4 (line 47): the access date",
    )
    _assert_refused(_write(tmp_path, "scalar.json", "[1, 2]"), "item 1 (line 1): an item is an object")


def test_bad_medline_lines_are_refused(tmp_path):
    text = MEDLINE.replace("PMID- 29262121", "PMID- 29262121x").replace("JID - 2985213R", "JID 2985213R")
    _assert_refused(
        _write(tmp_path, "pubmed.nbib", text),
        "pubmed.nbib, line 31: not a MEDLINE line",
        "pubmed.nbib, line 34: “29262121x” is not a PubMed id",
    )


def test_values_the_model_refuses_are_reported_with_their_item(tmp_path):
    items = CSL_JSON.replace('"page": "180-195"', '"page": "' + "1" * 41 + '"').replace(
        '"URL": "https://www.nhs.uk/conditions/indigestion/"', '"URL": "nhs website"'
    )
    _assert_refused(
        _write(tmp_path, "refs.json", items),
        "refs.json, item 3 (line 35): pages: Ensure this value has at most 40 characters (it has 41).",
        "refs.json, item 4 (line 47): url: Enter a valid URL.",
    )


def test_one_key_for_two_different_sources_in_a_file_is_refused(tmp_path):
    items = CSL_JSON.replace('"id": "lacy2021"', '"id": "feldman2021"')
    _assert_refused(
        _write(tmp_path, "refs.json", items),
        "refs.json, item 3 (line 35): the key “feldman2021” is already used by item 2 (line 21).",
    )


# --- identifiers and text the admin refuses ------------------------------------------------------

# A zero-width space, as a DOI copied from a web page or PDF can carry: invisible, and never in a DOI.
PASTED_DOI = "10.1016/S0140-6736\u200b(20)30469-4"
# The escape that starts a terminal's control sequences: no text has it.
ESCAPE = "\x1b"


def _line_of(text: str, part: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if part in line)


@pytest.mark.parametrize(
    ("name", "text"), [("pubmed.nbib", MEDLINE), ("refs.ris", RIS), ("refs.bib", BIBTEX)]
)
def test_a_doi_the_admin_refuses_is_refused_in_every_format_naming_its_line(tmp_path, name, text):
    text = text.replace("10.1016/S0140-6736(20)30469-4", PASTED_DOI, 1)
    _assert_refused(
        _write(tmp_path, name, text),
        f"{name}, line {_line_of(text, PASTED_DOI)}: “",
        "is not a DOI",
        "U+200B (invisible character)",
    )


def test_a_csl_json_doi_the_admin_refuses_is_refused_naming_its_item(tmp_path):
    # JSON may spell any character as an escape, control characters included.
    for escaped in ("\\u200b", "\\u0007"):
        text = CSL_JSON.replace('"DOI": "10.1016/S0140-', f'"DOI": "10.1016/S0140-{escaped}')
        _assert_refused(_write(tmp_path, "refs.json", text), "refs.json, item 1 (line 2): “", "is not a DOI")


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        ("pubmed.nbib", MEDLINE, "TI  - Functional dyspepsia."),
        ("refs.ris", RIS, "TI  - Functional dyspepsia"),
        ("refs.bib", BIBTEX, "title = {{Functional dyspepsia}}"),
    ],
)
def test_a_control_character_in_a_field_is_refused_naming_its_line(tmp_path, name, text, title):
    text = text.replace(title, title.replace("Functional", f"Functional{ESCAPE}[2J"), 1)
    _assert_refused(
        _write(tmp_path, name, text),
        f"{name}, line {_line_of(text, ESCAPE)}: the title holds U+001B (control character)",
    )


def test_a_control_character_escaped_in_csl_json_is_refused_naming_its_item(tmp_path):
    text = CSL_JSON.replace('"title": "Indigestion"', '"title": "Indigestion\\u0085\\u001b"')
    _assert_refused(
        _write(tmp_path, "refs.json", text), "refs.json, item 4 (line 47): the title holds U+001B"
    )


def test_line_breaks_and_tabs_inside_a_field_become_spaces(tmp_path):
    text = CSL_JSON.replace('"title": "Indigestion"', '"title": "Indigestion\\r\\n\\tand\\u2028heartburn"')
    _import(_write(tmp_path, "refs.json", text))
    assert Reference.objects.get(key="nhs2023").title == "Indigestion and heartburn"


# --- conflicts: an identifier that matches, a title that does not ------------------------------

# A stored reference, and a PubMed record that carries its PMID but is another article entirely
# (a PMID typed wrong in the reference manager). Made-up articles.
STORED_CRAMPS = {
    "title": "Night cramps in older adults: a cohort study",
    "container_title": "J Geriatr Med",
    "year": 2022,
    "pmid": "35550001",
}
UNRELATED_NBIB = """\
PMID- 35550001
DP  - 2019 Mar
TI  - Statin dose and muscle pain in runners.
VI  - 12
PG  - 40-48
FAU - Okonkwo, Ada
AU  - Okonkwo A
TA  - Sports Health Rev
"""


def test_a_pmid_match_with_an_unrelated_title_is_a_conflict_and_overwrites_nothing(tmp_path):
    make_reference("kim2022", kind="journal-article", **STORED_CRAMPS)
    path = _write(tmp_path, "pubmed.nbib", UNRELATED_NBIB)

    message = _assert_refused(path)

    assert "pubmed.nbib, line 1: conflict" in message
    assert "kim2022" in message
    assert "“Night cramps in older adults: a cohort study”" in message
    assert "“Statin dose and muscle pain in runners”" in message
    stored = Reference.objects.get(key="kim2022")
    assert _fields(stored, STORED_CRAMPS) == STORED_CRAMPS


def test_a_doi_match_with_an_unrelated_title_is_a_conflict_naming_both_titles_and_the_key(tmp_path):
    make_reference("osei2021", kind="journal-article", title="Heel pain in walkers", doi="10.5555/hp.2021.7")
    ris = (
        "TY  - JOUR\nTI  - Vitamin B12 levels in vegan teenagers\nPY  - 2018\n"
        "DO  - doi.org/10.5555/HP.2021.7\nER  -\n"
    )

    message = _assert_refused(_write(tmp_path, "one.ris", ris))

    assert message == (
        "Nothing was imported.\none.ris, line 1: conflict: its DOI 10.5555/hp.2021.7 is that of osei2021, "
        "“Heel pain in walkers”, but its title is “Vitamin B12 levels in vegan teenagers”; nothing was "
        "changed. Correct the DOI in the file, or in osei2021 if that is the one that is wrong."
    )
    stored = Reference.objects.get(key="osei2021")
    assert (stored.title, stored.year) == ("Heel pain in walkers", 2021)


def test_a_doi_match_whose_title_gained_a_subtitle_is_updated(tmp_path):
    make_reference("osei2021", kind="journal-article", title="Heel pain in walkers", doi="10.5555/hp.2021.7")
    ris = (
        "TY  - JOUR\nTI  - HEEL PAIN IN WALKERS: A CROSS-SECTIONAL SURVEY\nPY  - 2021\n"
        "DO  - 10.5555/hp.2021.7\nER  -\n"
    )

    out = _import(_write(tmp_path, "one.ris", ris))

    assert "line 1: updated osei2021" in out and "(matched by DOI; changed title)" in out
    assert Reference.objects.get(key="osei2021").title == "HEEL PAIN IN WALKERS: A CROSS-SECTIONAL SURVEY"


# Pairs of titles of one work, as sources and revisions write them, and of two different works.
SAME_WORK = [
    ("Functional gut disorders in children", "FUNCTIONAL GUT DISORDERS IN CHILDREN."),
    ("Functional gut disorders in children", "Functional gut disorders in children: a narrative review"),
    ("Iron deficiency anaemia in adults", "Iron-deficiency anemia in adults"),
    ("Ménière's disease in older adults", "Meniere disease in older adults"),
    (
        "Statins for primary prevention in older adults: a cohort study",
        "Statin use for primary prevention in adults over 75 years: a cohort study",
    ),
    ("Plantar fasciitis", "Plantar fasciitis in recreational runners"),
    # The main title kept, the rest changed on both sides.
    ("Heel pain in walkers (preprint)", "Heel pain in walkers: a cross-sectional survey"),
    ("Heel pain in long-distance walkers", "Heel pain in walkers: a cross-sectional survey"),
    ("Shingles vaccine uptake in England, 2015-2020", "Shingles vaccine uptake in England: a time series"),
    ("", "Anything at all"),  # a stored reference without a title has nothing to contradict
]
DIFFERENT_WORKS = [
    ("Night cramps in older adults: a cohort study", "Statin dose and muscle pain in runners"),
    ("Treatment of gout", "Treatment of migraine"),
    ("Headache in children", "Headache in adults"),
    (
        "Management of acute low back pain in primary care",
        "Management of chronic neck pain in primary care",
    ),
    (
        "Effect of vitamin D on fracture risk in older women",
        "Effect of exercise on sleep quality in adolescents",
    ),
    # A main title of one word says too little to keep two works together.
    ("Migraine: a review", "Migraine: an update"),
    ("Diabetes: insulin pumps in teenagers", "Diabetes: foot care in older adults"),
]


@pytest.mark.parametrize(("one", "other"), SAME_WORK)
def test_titles_of_one_work_do_not_clearly_differ(one, other):
    assert not importers.titles_clearly_differ(one, other)
    assert not importers.titles_clearly_differ(other, one)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_WORKS)
def test_titles_of_different_works_clearly_differ(one, other):
    assert importers.titles_clearly_differ(one, other)
    assert importers.titles_clearly_differ(other, one)


def test_the_threshold_is_two_words_in_three():
    # Three content words each, two in common: 2*2/6 = 0.67, the same work; one in common: another.
    assert importers.title_similarity("Knee pain swelling", "Knee pain stiffness") == pytest.approx(2 / 3)
    assert not importers.titles_clearly_differ("Knee pain swelling", "Knee pain stiffness")
    assert importers.titles_clearly_differ("Knee pain swelling", "Knee rash itching")


TWO_TITLES_ONE_DOI = """\
@article{ahmed2020,
  title = {Sleep after concussion in adolescents},
  journal = {J Adolesc Neurol},
  year = {2020},
  doi = {10.5555/jan.2020.113},
}

@article{ahmed2020b,
  title = {Knee injuries in netball players},
  journal = {J Adolesc Neurol},
  year = {2020},
  doi = {https://doi.org/10.5555/JAN.2020.113},
}

@book{rossi2019,
  title = {Sports medicine for the family doctor},
  publisher = {Halden Press},
  year = {2019},
}
"""


def test_two_entries_of_a_file_with_one_doi_and_different_titles_are_both_reported(tmp_path):
    message = _assert_refused(_write(tmp_path, "refs.bib", TWO_TITLES_ONE_DOI))

    assert message.splitlines()[1:] == [
        "refs.bib, line 1: conflict: its DOI 10.5555/jan.2020.113 is also that of line 8, with another "
        "title, “Knee injuries in netball players”. Correct the file.",
        "refs.bib, line 8: conflict: its DOI 10.5555/jan.2020.113 is also that of line 1, whose title is "
        "“Sleep after concussion in adolescents”, but its own is “Knee injuries in netball players”: one DOI "
        "is one work. Correct the file.",
    ]


def test_skip_invalid_imports_the_good_entries_and_reports_the_others_with_their_lines(tmp_path):
    make_reference("kim2022", kind="journal-article", **STORED_CRAMPS)
    text = TWO_TITLES_ONE_DOI + "\n@misc{blank2021,\n  title = {},\n  year = {2021},\n}\n"
    text += (
        "\n@article{wrong,\n  title = {Statin dose and muscle pain in runners},\n  pmid = {35550001},\n}\n"
    )

    out = _import(_write(tmp_path, "refs.bib", text), "--skip-invalid")

    lines = out.splitlines()
    assert lines[0].startswith("line 1: conflict: its DOI 10.5555/jan.2020.113 is also that of line 8")
    assert lines[1].startswith("line 8: conflict: its DOI 10.5555/jan.2020.113 is also that of line 1")
    assert lines[2] == "line 15: created rossi2019 – “Sports medicine for the family doctor”."
    assert lines[3] == "line 21: refused: the entry has no title."
    assert lines[4].startswith("line 26: conflict: its PMID 35550001 is that of kim2022")
    assert lines[5] == "1 created, 0 updated, 0 skipped, 4 refused"
    assert set(Reference.objects.values_list("key", flat=True)) == {"kim2022", "rossi2019"}
    assert Reference.objects.get(key="kim2022").title == STORED_CRAMPS["title"]
    record = AuditRecord.objects.get(action="import")
    assert record.details["created"] == ["rossi2019"]
    assert len(record.details["refused"]) == record.details["refused_count"] == 4
    assert record.details["refused"][2] == "line 21: the entry has no title."


def test_the_audit_record_keeps_the_first_few_hundred_refusals_and_their_count(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "AUDITED_REFUSALS", 2)
    text = "".join(f"@misc{{blank{n},\n  title = {{}},\n}}\n\n" for n in range(5))
    text += "@book{rossi2019,\n  title = {Sports medicine for the family doctor},\n}\n"

    _import(_write(tmp_path, "refs.bib", text), "--skip-invalid")

    details = AuditRecord.objects.get(action="import").details
    assert details["refused"] == ["line 1: the entry has no title.", "line 5: the entry has no title."]
    assert details["refused_count"] == 5


def test_without_skip_invalid_one_bad_entry_still_imports_nothing(tmp_path):
    text = TWO_TITLES_ONE_DOI.replace("doi = {https://doi.org/10.5555/JAN.2020.113}", "doi = {10.5555/k.1}")
    text += "\n@misc{blank2021,\n  title = {},\n  year = {2021},\n}\n"
    _assert_refused(_write(tmp_path, "refs.bib", text), "refs.bib, line 21: the entry has no title.")
    assert not AuditRecord.objects.exists()


def test_skip_invalid_with_every_entry_refused_imports_nothing_and_fails(tmp_path):
    text = "@misc{blank2021,\n  title = {},\n  year = {2021},\n}\n"
    _assert_refused(
        _write(tmp_path, "refs.bib", text),
        "refs.bib, line 1: the entry has no title.",
        args=("--skip-invalid",),
    )


def test_a_medline_record_with_a_line_that_cannot_be_read_is_refused_whole_with_skip_invalid(tmp_path):
    text = MEDLINE.replace("JID - 2985213R", "JID 2985213R")

    out = _import(_write(tmp_path, "pubmed.nbib", text), "--skip-invalid")

    assert "line 31: refused: not a MEDLINE line" in out
    assert "0 updated, 0 skipped, 1 refused" in out
    assert not Reference.objects.filter(pmid="33049222").exists()
    assert Reference.objects.filter(pmid__in=["29262121", "21250063"]).count() == 2


def test_dry_run_with_skip_invalid_reports_and_writes_nothing(tmp_path):
    text = TWO_TITLES_ONE_DOI + "\n@misc{blank2021,\n  title = {},\n  year = {2021},\n}\n"

    out = _import(_write(tmp_path, "refs.bib", text), "--skip-invalid", "--dry-run")

    assert "line 15: would be created rossi2019" in out
    assert "Dry run: 1 created, 0 updated, 0 skipped, 3 refused; nothing was written." in out
    assert not Reference.objects.exists() and not AuditRecord.objects.exists()


def test_a_medline_record_whose_first_line_cannot_be_read_is_refused_whole(tmp_path):
    text = MEDLINE.replace("PMID- 29262121", "PMID 29262121")

    out = _import(_write(tmp_path, "pubmed.nbib", text), "--skip-invalid")

    assert "line 34: refused: not a MEDLINE line" in out
    assert "2 created, 0 updated, 0 skipped, 1 refused" in out
    assert not Reference.objects.filter(title__startswith="Clinical Methods").exists()


def test_a_biblatex_set_is_left_out_without_refusing_the_file(tmp_path):
    text = (
        "@set{both,\n  entryset = {rossi2019,lund2020},\n}\n\n"
        "@book{rossi2019,\n  title = {Sports medicine for the family doctor},\n  year = {2019},\n}\n"
    )

    out = _import(_write(tmp_path, "refs.bib", text))

    lines = out.splitlines()
    # The reader's own words for it, after the line it is on.
    assert lines[0].startswith("line 1: “@set{both}” is a set") and lines[0].endswith("skipped.")
    assert lines[1:] == [
        "line 5: created rossi2019 – “Sports medicine for the family doctor”.",
        "1 created, 0 updated, 0 skipped",
    ]


def test_a_doi_match_whose_stored_pmid_is_another_is_a_conflict(tmp_path):
    make_reference("osei2021", title="Heel pain in walkers", doi="10.5555/hp.2021.7", pmid="31000001")
    ris = "TY  - JOUR\nTI  - Heel pain in walkers\nDO  - 10.5555/hp.2021.7\nAN  - 31000002\nER  -\n"

    message = _assert_refused(_write(tmp_path, "one.ris", ris))

    assert "one.ris, line 1: conflict: its DOI 10.5555/hp.2021.7 is that of osei2021, whose PMID" in message
    assert "is 31000001, but its own PMID is 31000002; nothing was changed." in message
    assert Reference.objects.get(key="osei2021").pmid == "31000001"


# --- pages in review, and the cost of planning ------------------------------------------------


@pytest.mark.parametrize(
    ("how", "page"),
    [
        ("listed", {"reference_keys": ["osei2021"]}),
        ("cited", {"sections": [("overview", "Heel pain is common in walkers [@osei2021].")]}),
        ("cited in a short answer", {"short_answers": [("Is it common?", "Yes [@osei2021].", "")]}),
    ],
)
def test_a_reference_a_page_in_review_shows_is_refused_not_updated(tmp_path, editor, how, page):
    from conditions import workflow

    make_reference("osei2021", title="Heel pain in walkers", doi="10.5555/hp.2021.7", year=2021)
    make_reference("other2020", title="Unrelated", doi="10.5555/other")
    condition = make_condition(editor, "Heel pain", **page)
    workflow.submit(condition, by=editor)
    ris = "TY  - JOUR\nTI  - Heel pain in walkers\nPY  - 2022\nDO  - 10.5555/hp.2021.7\nER  -\n"
    ris += "\nTY  - JOUR\nTI  - Unrelated\nPY  - 2019\nDO  - 10.5555/other\nER  -\n"

    out = _import(_write(tmp_path, "one.ris", ris), "--skip-invalid")

    assert "line 1: refused: “osei2021” is shown by pages in expert review (“Heel pain”)" in out
    assert "line 7: updated other2020" in out
    assert Reference.objects.get(key="osei2021").year == 2021


def test_planning_reads_the_stored_references_in_a_few_queries_whatever_the_file_size(
    django_assert_max_num_queries,
):
    def entries(count: int) -> list[importers.ParsedReference]:
        text = "\n".join(
            f"@article{{lund{n},\n  title = {{Made-up study {n} of chilblains}},\n  year = {{2020}},\n"
            f"  doi = {{10.5555/c.{n}}},\n  pmid = {{{31000000 + n}}},\n}}\n"
            for n in range(count)
        )
        return importers.parse_references(text, "bibtex")

    for n in range(0, 40, 2):  # half the file is stored already, to be matched and updated
        make_reference(f"lund{n}", title=f"Made-up study {n} of chilblains", doi=f"10.5555/c.{n}", year=2019)
    # Stored references by DOI, by PMID and by key; every key; the pages in review, listing and citing.
    with django_assert_max_num_queries(8):
        report = importers.plan_import(entries(40))
    assert (report.count(importers.CREATED), report.count(importers.UPDATED)) == (20, 20)
    with django_assert_max_num_queries(8):
        importers.plan_import(entries(400))


def test_a_problem_of_the_whole_file_is_reported_as_such(tmp_path):
    nested = "[" * 100_000 + "]" * 100_000

    message = _assert_refused(_write(tmp_path, "deep.json", nested), args=("--skip-invalid",))

    assert message.startswith("Nothing was imported.\ndeep.json, ")
    assert "deep.json, line" not in message and ": :" not in message
    assert len(message.splitlines()) == 2
