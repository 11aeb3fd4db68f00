from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from references.readers import (
    Problem,
    RawEntry,
    read_bibtex,
    read_csl_json,
    read_medline,
    read_ris,
    sort_note,
)

SAMPLES = Path(__file__).parent.parent / "samples" / "references"


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _values(entry: RawEntry) -> dict:
    return {name: value for name, (value, _) in entry.values.items()}


def _by_key(entries: list[RawEntry]) -> dict[str, dict]:
    return {entry.key: _values(entry) for entry in entries}


def _one(text: str, reader=read_bibtex) -> dict:
    entries, problems = reader(text)
    assert problems == []
    (entry,) = entries
    return _values(entry)


# --- BibTeX as Zotero writes it ---------------------------------------------------------------


def test_zotero_bibtex_keeps_less_than_and_greater_than():
    entries, problems = read_bibtex(_sample("zotero.bib"))

    assert problems == []
    title = _by_key(entries)["ortega_intensive_2021"]["title"]
    assert (
        title
        == "Intensive blood-pressure targets of <120 mm Hg in adults aged >75 years: the SPRINT-Elder trial"
    )


def test_zotero_bibtex_accents_in_names_become_letters():
    entries, _ = read_bibtex(_sample("zotero.bib"))
    values = _by_key(entries)

    assert values["ortega_intensive_2021"]["authors"] == ["Ortega L", "Nowak T", "François R", "Müller J"]
    assert values["lindqvist_glycaemic_2019"]["authors"] == ["Lindqvist AK", "Østergaard S"]


def test_zotero_bibtex_greek_subscripts_symbols_and_escapes_become_plain_unicode():
    entries, _ = read_bibtex(_sample("zotero.bib"))
    title = _by_key(entries)["lindqvist_glycaemic_2019"]["title"]

    assert title == (
        "Glycaemic control and HbA1c variability with β-blockers and α-glucosidase inhibitors "
        "– a cohort of 10% of Sweden’s adults"
    )
    assert "$" not in title and "\\" not in title


def test_zotero_extra_in_the_note_is_private_and_its_pmid_is_read():
    entries, _ = read_bibtex(_sample("zotero.bib"))
    values = _by_key(entries)["ortega_intensive_2021"]

    assert "note" not in values
    assert (
        values["private_note"] == "PMID: 33012345\ntex.ids: ortega2021a\nPublisher: Nature Publishing Group"
    )
    assert values["pmid"] == "33012345"


def test_scopus_note_in_bibtex_is_private():
    entries, _ = read_bibtex(_sample("zotero.bib"))
    values = _by_key(entries)["lindqvist_glycaemic_2019"]

    assert "note" not in values
    assert values["private_note"] == "Cited By :44\nExport Date: 5 May 2024\nSource: Scopus"


def test_zotero_chapter_has_editors_series_and_book():
    entries, _ = read_bibtex(_sample("zotero.bib"))
    values = _by_key(entries)["hartley_chest_2020"]

    assert entries[2].kind == "book-chapter"
    assert values["editors"] == ["Ramrakha P", "Moore KP"]
    assert values["series"] == "Oxford Handbooks in Medicine"
    assert values["container_title"] == "Oxford Handbook of Acute Medicine"
    assert values["title"] == "Chest pain & breathlessness: a first look"
    assert values["pages"] == "45-62"


def test_old_pubmed_address_gives_the_pmid():
    values = _one("@article{a, title = {T}, url = {https://www.ncbi.nlm.nih.gov/pubmed/?term=29876543}}")
    assert values["pmid"] == "29876543"
    values = _one("@article{a, title = {T}, url = {https://pubmed.ncbi.nlm.nih.gov/29876543/}}")
    assert values["pmid"] == "29876543"


def test_urldate_is_the_access_date_not_an_online_date():
    values = _one("@article{a, title = {T}, url = {https://example.org/a}, urldate = {2024-05-05}}")
    assert values["accessed_on"] == "2024-05-05"
    assert "published_online" not in values


# --- biblatex as Better BibTeX writes it -------------------------------------------------------


def test_biblatex_journal_title_abbreviation_subtitle_and_article_number():
    entries, _ = read_bibtex(_sample("betterbibtex.bib"))
    values = _by_key(entries)["kowalczyk2022Sodium"]

    assert values["title"] == "Sodium Restriction in Heart Failure: A Pragmatic Trial"
    assert values["container_title"] == "The New England Journal of Medicine"
    assert values["journal_abbreviation"] == "N Engl J Med"
    assert values["elocator"] == "e2200123"
    assert values["year"] == "2022-03-04"
    assert values["authors"] == ["Kowalczyk M", "Ødegård I"]


def test_biblatex_eprinttype_pmid_gives_the_pmid():
    entries, _ = read_bibtex(_sample("betterbibtex.bib"))
    assert _by_key(entries)["kowalczyk2022Sodium"]["pmid"] == "35230456"
    values = _one("@article{a, title = {T}, eprint = {123456}, eprinttype = {pubmed}}")
    assert values["pmid"] == "123456"


def test_biblatex_annotation_is_private():
    entries, _ = read_bibtex(_sample("betterbibtex.bib"))
    values = _by_key(entries)["kowalczyk2022Sodium"]
    assert values["private_note"] == "Read for the 2024 review; compare with the DASH data."
    assert "note" not in values


def test_crossref_child_takes_the_book_from_its_parent():
    entries, _ = read_bibtex(_sample("betterbibtex.bib"))
    chapter = next(entry for entry in entries if entry.key == "okafor2024Valve")
    values = _values(chapter)

    assert chapter.kind == "book-chapter"
    assert values["title"] == "Valvular Heart Disease – the Ageing Heart"
    assert values["container_title"] == "Heart Disease: A Textbook of Cardiovascular Medicine"
    assert values["editors"] == ["Libby P", "Bonow RO"]
    assert (values["publisher"], values["place"], values["year"]) == ("Elsevier", "Philadelphia, PA", "2024")
    assert (values["edition"], values["volume"], values["series"]) == ("12", "2", "Braunwald's Cardiology")
    assert values["pages"] == "1401-1430"  # its own, not the parent's


def test_biblatex_collection_is_an_edited_book_with_volume_and_series():
    entries, _ = read_bibtex(_sample("betterbibtex.bib"))
    book = next(entry for entry in entries if entry.key == "braunwald2024")

    assert book.kind == "book"
    assert _values(book)["volume"] == "2"
    assert _values(book)["editors"] == ["Libby P", "Bonow RO"]


def test_a_biblatex_set_is_reported_as_skipped_with_its_line_and_the_rest_is_read():
    entries, problems = read_bibtex(_sample("betterbibtex.bib"))

    assert [entry.key for entry in entries] == ["kowalczyk2022Sodium", "braunwald2024", "okafor2024Valve"]
    (problem,) = problems
    assert (
        problem
        == "line 39: “@set{heartfailure-set}” is a set of other entries (biblatex), not a reference: skipped."
    )
    assert isinstance(problem, Problem) and problem.skipped and problem.line == 39


# --- BibTeX as JabRef writes it ---------------------------------------------------------------


def test_jabref_string_macros_and_concatenation_are_resolved():
    entries, problems = read_bibtex(_sample("jabref.bib"))
    values = _by_key(entries)

    assert problems == []
    assert values["Haddad2023"]["container_title"] == "JAMA Network Open"
    assert values["Sandoval2020"]["title"] == "Renal physiology for clinicians"


def test_jabref_math_and_emphasis_become_plain_text():
    entries, _ = read_bibtex(_sample("jabref.bib"))
    title = _by_key(entries)["Haddad2023"]["title"]
    assert title == "Statin use and LDL–cholesterol <70 mg/dL in adults ≥75 years: a post hoc analysis"


def test_jabref_note_pmid_is_read_and_kept_private_with_the_comment():
    entries, _ = read_bibtex(_sample("jabref.bib"))
    values = _by_key(entries)["Haddad2023"]

    assert values["pmid"] == "37071426"
    assert "note" not in values
    assert values["private_note"] == "PMID: 37071426\nChecked against the publisher's PDF"
    assert values["authors"] == ["Haddad O", "Nguyễn TL", "et al"]


def test_jabref_book_keeps_volume_series_and_edition():
    entries, _ = read_bibtex(_sample("jabref.bib"))
    values = _by_key(entries)["Sandoval2020"]
    assert (values["volume"], values["series"], values["edition"]) == (
        "4",
        "Lecture Notes in Nephrology",
        "2nd",
    )


def test_month_macros_and_unknown_macros():
    values = _one(
        '@string{lancet = "Lancet"}\n@article{a, title = {T}, journal = lancet, month = jan, year = 2020}'
    )
    assert values["container_title"] == "Lancet"
    values = _one("@article{a, title = {T}, journal = unknownmacro}")
    assert values["container_title"] == "unknownmacro"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\textless}120 and {\textgreater}75", "<120 and >75"),
        (r"a \textendash{} b \textemdash{} c", "a – b — c"),
        (r"it{\textquoteright}s", "it’s"),
        (r"about{\textasciitilde}5", "about~5"),
        (r"M{\"u}ller, Caf\'{e}, Fran{\c c}ois, \v{S}koda", "Müller, Café, François, Škoda"),
        (r"$\beta$ and $\alpha$ and $\Delta$", "β and α and Δ"),
        (r"HbA$_{\textrm{1c}}$ and CO\textsubscript{2}", "HbA1c and CO2"),
        (r"kg/m\textsuperscript{2} and kg/m$^{2}$", "kg/m² and kg/m²"),
        (r"R\&D, 5\%, a{\textbackslash}b", "R&D, 5%, a\\b"),
        (r"{T}he {COVID}-19 {mRNA} vaccines", "The COVID-19 mRNA vaccines"),
        (r"\emph{in vivo}, \textit{E. coli}, \mkbibemph{de novo}", "in vivo, E. coli, de novo"),
        ("pre--post and a---b", "pre–post and a—b"),
    ],
)
def test_latex_constructs_in_a_title(latex, text):
    assert _one(f"@article{{a, title = {{{latex}}}}}")["title"] == text


def test_300_nested_braces_are_one_problem_and_the_other_entries_are_read():
    deep = "{" * 300 + "x" + "}" * 300
    text = f"@article{{good, title = {{Good}}}}\n\n@article{{deep, title = {deep}}}\n"
    entries, problems = read_bibtex(text)

    assert [entry.key for entry in entries] == ["good"]
    (problem,) = problems
    assert problem.startswith("line 3: the entry cannot be read: it nests braces 299 deep (more than 50)")


# --- RIS as EndNote and Scopus write it -------------------------------------------------------


def test_endnote_article_from_pubmed():
    entries, problems = read_ris(_sample("endnote.ris"))
    values = _values(entries[0])

    assert problems == []
    assert values["title"] == "Early rhythm control in atrial fibrillation & heart failure: <65 vs >75 years"
    assert values["container_title"] == "The New England journal of medicine"
    assert values["journal_abbreviation"] == "N Engl J Med"
    assert values["published_online"] == date(2021, 3, 5)  # ET: EndNote's "Epub Date"
    assert "edition" not in values
    assert values["elocator"] == "e2100456"
    assert values["pmid"] == "33667890"  # AN with DP - NLM


def test_endnote_pubmed_leftovers_in_n1_and_research_notes_are_private():
    entries, _ = read_ris(_sample("endnote.ris"))
    values = _values(entries[0])

    assert "note" not in values
    assert values["private_note"].splitlines() == [
        "1533-4406",
        "Fitzgerald, Niamh",
        "Journal Article",
        "United States",
        "N Engl J Med. 2021 Apr 8;384(14):1305-1316. doi: 10.1056/NEJMoa2100456. Epub 2021 Mar 5.",
        "Key trial for the AF page; check the subgroup table.",
    ]


def test_endnote_chapter_editors_and_series():
    entries, _ = read_ris(_sample("endnote.ris"))
    chapter = entries[1]
    values = _values(chapter)

    assert chapter.kind == "book-chapter"
    assert values["editors"] == ["Halter JB", "Ouslander JG"]
    assert values["series"] == "Clinical Geriatrics Series"
    assert values["container_title"] == "Hazzard's Geriatric Medicine and Gerontology"


def test_scopus_article_number_abbreviation_pmid_and_private_notes():
    entries, problems = read_ris(_sample("scopus.ris"))
    values = _values(entries[0])

    assert problems == []
    assert values["journal_abbreviation"] == "J Clin Hypertens"
    assert values["elocator"] == "102345"
    assert values["pmid"] == "35123456"  # Scopus's C2
    assert "note" not in values
    assert values["private_note"].splitlines() == [
        "Cited By :44",
        "Export Date: 5 May 2024",
        "CODEN: JCHYF",
        "Correspondence Address: R. Delgado; an invented address",
    ]


def test_scopus_row_without_a_title_does_not_stop_the_others():
    entries, problems = read_ris(_sample("scopus.ris"))

    assert problems == []
    assert len(entries) == 3
    assert "title" not in entries[1].values  # the importer reports it, naming line 25
    assert entries[1].line == 25
    assert _values(entries[2])["title"] == "Salt intake in the community: a survey"


def test_ris_pmid_forms():
    def pmid(tags: str) -> str | None:
        entries, _ = read_ris(f"TY  - JOUR\nTI  - T\n{tags}\nER  - \n")
        return _values(entries[0]).get("pmid")

    assert pmid("AN  - 31234567") == "31234567"
    assert pmid("AN  - 31234567\nDB  - Embase") is None  # Embase's own accession number
    assert pmid("M3  - PMID: 31234567") == "31234567"
    assert pmid("C2  - PMC7654321") is None  # a PMCID is not a PMID
    assert pmid("UR  - http://www.ncbi.nlm.nih.gov/pubmed/31234567") == "31234567"
    assert pmid("N1  - PMID: 31234567") == "31234567"


def test_zotero_ris_access_date_and_a_note_for_the_list():
    text = "TY  - ELEC\nTI  - Indigestion\nUR  - https://www.nhs.uk/\nY2  - 2024/03/01/\n"
    text += "N1  - Updated March 3, 2024\nER  - \n"
    values = _one(text, read_ris)
    assert values["accessed_on"] == "2024/03/01/"
    assert "published_online" not in values
    assert values["note"] == "Updated March 3, 2024"


# --- CSL-JSON as Zotero and Manubot write it --------------------------------------------------


def test_zotero_csl_json_article():
    entries, problems = read_csl_json(_sample("zotero.json"))
    values = _values(entries[0])

    assert problems == []
    assert values["title"] == "Walking speed after hip fracture: a 12-month cohort of adults aged ≥65 years"
    assert values["journal_abbreviation"] == "PLoS One"
    assert values["elocator"] == "e0281234"
    assert "pages" not in values  # only the article number again
    assert values["pmid"] == "36791234"
    assert values["private_note"] == "PMID: 36791234\nPMCID: PMC9930123"
    assert "note" not in values
    assert values["authors"] == ["Åberg L", "de la Cruz MJ", "Hip Fracture Registry Group"]
    assert entries[0].key == ""  # Zotero's item address is no citation key: one is made


def test_zotero_csl_json_chapter_editors_and_page_dash():
    entries, _ = read_csl_json(_sample("zotero.json"))
    values = _values(entries[1])

    assert values["editors"] == ["Loscalzo J", "Fauci AS"]
    assert values["pages"] == "2115-2130"  # the en dash is a hyphen
    assert values["private_note"] == "tex.ids: mann2022hf"


def test_manubot_csl_json_online_date_subtitle_and_generated_note():
    entries, problems = read_csl_json(_sample("manubot.json"))
    values = _values(entries[0])

    assert problems == []
    assert values["title"] == "Gut microbial metabolites and blood pressure: a Mendelian randomization study"
    assert values["year"] == 2020
    assert values["published_online"] == date(2020, 3, 30)
    assert values["journal_abbreviation"] == "Proc Natl Acad Sci U S A"
    assert "note" not in values
    assert values["private_note"].startswith("This CSL Item was generated by Manubot")


def test_csl_issued_before_the_print_issue_is_the_online_date():
    text = '[{"type": "article-journal", "title": "T", "issued": {"date-parts": [[2019, 12, 2]]}, '
    text += '"published-print": {"date-parts": [[2020, 1]]}}]'
    values = _one(text, read_csl_json)
    assert (values["year"], values["published_online"]) == (2020, date(2019, 12, 2))


def test_csl_issued_alone_is_not_an_online_date():
    values = _one(
        '[{"type": "article-journal", "title": "T", "issued": {"date-parts": [[2020, 3, 1]]}}]', read_csl_json
    )
    assert "published_online" not in values


def test_deeply_nested_json_is_one_problem():
    entries, problems = read_csl_json("[" * 100_000)
    assert entries == []
    assert problems == [
        "the file nests brackets or braces more deeply than any reference manager writes, so it cannot be "
        "read safely; check that it is an export and not damaged."
    ]
    entries, problems = read_csl_json(
        '[{"type": "book", "title": "T", "note": ' + "[" * 100_000 + "]" * 100_000 + "}]"
    )
    assert entries == [] and len(problems) == 1 and problems[0].line == 0


def test_csl_item_with_bad_editors_does_not_stop_the_others():
    entries, problems = read_csl_json('[{"title": "A", "editor": "Smith"}, {"title": "B"}]')
    assert [_values(entry)["title"] for entry in entries] == ["B"]
    assert problems == ["item 1 (line 1): “editor” should be a list of name objects."]


# --- MEDLINE (PubMed .nbib) ------------------------------------------------------------------


def test_medline_article_number_online_date_and_abbreviation():
    entries, problems = read_medline(_sample("pubmed.nbib"))
    values = _values(entries[0])

    assert problems == []
    assert values["title"] == "Walking speed after hip fracture: a 12-month cohort of adults aged ≥65 years"
    assert values["journal_abbreviation"] == "PLoS One"
    assert values["elocator"] == "e0281234"
    assert "pages" not in values
    assert values["published_online"] == date(2023, 2, 15)
    assert values["authors"] == ["Aberg L", "de la Cruz MJ", "Hip Fracture Registry Group"]


def test_medline_publisher_item_id_is_not_an_article_number():
    entries, _ = read_medline(_sample("pubmed.nbib"))
    values = _values(entries[1])

    assert "elocator" not in values
    assert values["pages"] == "1340-1351"
    assert (values["container_title"], values["journal_abbreviation"]) == ("Lancet", "Lancet")
    assert values["published_online"] == date(2021, 3, 25)


def test_medline_book_editors_and_series():
    entries, _ = read_medline(_sample("pubmed.nbib"))
    book = entries[2]
    values = _values(book)

    assert book.kind == "book"
    assert values["editors"] == ["Cowie CC", "Casagrande SS"]
    assert values["series"] == "NIH Publication No. 17-1468"
    assert "authors" not in values


# --- notes -----------------------------------------------------------------------------------


def test_sort_note_keeps_what_a_person_wrote_for_the_list():
    note = sort_note(["Updated March 3, 2024", "Seminar; see also the correction."])
    assert note.public == ["Updated March 3, 2024", "Seminar; see also the correction."]
    assert note.private == []


@pytest.mark.parametrize(
    "text",
    [
        "Cited By :44",
        "Export Date: 5 May 2024",
        "Source: Scopus",
        "PMID: 23439512",
        "doi: 10.1000/xyz",
        "Publisher: Elsevier",
        "tex.howpublished: online",
        "original-date: 2019",
        "Abstract: An invented abstract.",
        "Keywords: heart; lung",
        "<p>A Zotero note</p>",
        "This CSL Item was generated by Manubot v0.5.6.",
        "x" * 301,
    ],
)
def test_sort_note_puts_export_metadata_in_the_private_note(text):
    note = sort_note([text])
    assert (note.public, note.private) == ([], [text])


def test_sort_note_finds_identifiers():
    note = sort_note(["PMID: 23439512\ndoi: 10.1000/ABC.\nArt. No.: e1234"])
    assert note.found == {"pmid": "23439512", "doi": "10.1000/ABC", "elocator": "e1234"}


def test_ris_online_date_written_as_epub_and_article_number_in_m1():
    text = "TY  - JOUR\nTI  - T\nPY  - 2021\nDA  - Epub 2020 Dec 5\nIS  - 3\nM1  - e0234567\nER  - \n"
    values = _one(text, read_ris)
    assert values["published_online"] == date(2020, 12, 5)
    assert values["elocator"] == "e0234567"
    assert values["issue"] == "3"
    # M1 as EndNote also uses it, for the issue number: not an article number.
    assert "elocator" not in _one("TY  - JOUR\nTI  - T\nM1  - 3\nER  - \n", read_ris)


def test_csl_article_number_and_zotero_api_abbreviation():
    item = '[{"type": "article-journal", "title": "T", "article-number": "102345", '
    item += '"journalAbbreviation": "J. Hypertens."}]'
    values = _one(item, read_csl_json)
    assert (values["elocator"], values["journal_abbreviation"]) == ("102345", "J Hypertens")


@pytest.mark.parametrize("field", ["author", "editor", "journal", "note", "annote"])
def test_300_nested_braces_in_any_field_are_one_problem(field):
    deep = "{" * 300 + "x" + "}" * 300
    entries, problems = read_bibtex(
        f"@article{{a, title = {{T}}, {field} = {deep}}}\n@article{{b, title = {{B}}}}"
    )
    assert [entry.key for entry in entries] == ["b"]
    assert problems == [
        "line 1: the entry cannot be read: it nests braces 299 deep (more than 50), which no export writes."
    ]


def test_a_journal_title_written_abbreviated_is_taken_as_the_abbreviation():
    # JabRef's "abbreviate journal names" writes the ISO form in the journal field itself.
    values = _one("@article{a, title = {T}, journal = {Proc. Natl. Acad. Sci. U.S.A.}}")
    assert values["container_title"] == "Proc. Natl. Acad. Sci. U.S.A."
    assert values["journal_abbreviation"] == "Proc Natl Acad Sci U S A"
    values = _one("TY  - JOUR\nTI  - T\nJO  - J. Clin. Hypertens.\nER  - \n", read_ris)
    assert values["journal_abbreviation"] == "J Clin Hypertens"
    assert "journal_abbreviation" not in _one("@article{a, title = {T}, journal = {Nature Communications}}")


def test_ris_lines_without_a_tag_continue_the_value_above():
    text = "TY  - JOUR\nTI  - Salt intake\nin the community\nN1  - Updated 2024\nN1  - Seminar\nER  - \n"
    values = _one(text, read_ris)
    assert values["title"] == "Salt intake in the community"
    assert values["note"] == "Updated 2024; Seminar"


def test_csl_json_items_name_the_line_they_start_on():
    items = ",\n".join(f'{{"type": "book",\n "title": "Book {n}"}}' for n in range(1, 301))
    entries, _ = read_csl_json(f"[\n{items}\n]")
    assert [(entry.item, entry.line) for entry in entries][:3] == [(1, 2), (2, 4), (3, 6)]
    assert (entries[-1].item, entries[-1].line) == (300, 600)


def test_medline_lines_continue_the_value_above():
    text = "PMID- 1\nTI  - Salt intake\n      in the\n      community.\n"
    assert _one(text, read_medline)["title"] == "Salt intake in the community"
