"""Hostile content through every input path comes out inert on every page that shows it.

A condition page is built entirely from the XSS corpus (name, other names, summary, section
headings and bodies, short answers, references, the reviewer's name), published through the
real workflow, edited again, and then every public page, API answer, feed, and admin screen
showing it is parsed as a browser would parse it (tests/xss_checks.py). Imports and search
queries are fed the same vectors.
"""

from __future__ import annotations

import json
import re
from datetime import date
from io import StringIO
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from bench import hostile_inputs
from conditions import importing as condition_importers
from conditions import workflow
from conditions.content import write_condition
from conditions.importing import ImportProblem
from conditions.importing import cards as short_answer_cards
from conditions.models import Condition, Publication
from conditions.public import structured
from medsite import limits
from references.citations import format_reference
from references.exporters import split_author
from references.importers import guess_format, parse_references, write_references
from references.models import ConditionReference, Reference
from references.parsing import parse_reference
from tests.factories import publish
from tests.xss_checks import (
    assert_inert,
    assert_inert_json,
    assert_inert_page,
    assert_inert_xml,
    page_text,
    parse_document,
    parse_fragment,
)
from tests.xss_corpus import (
    CITATION_KEYS,
    HOSTILE_KEY,
    JS,
    MARKUP,
    NAME,
    ONE_LINE_TEXT,
    PUBLISHABLE,
    SCRIPT_URLS,
    SHORT_TEXT,
    SUMMARY,
    TEXT,
    hostile_data,
    make_hostile_page,
)

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


# --- the checker itself: it must see what a browser would run ----------------------------

RUNNABLE = [
    f"<script>{JS}</script>",
    "<script src=//evil.example/x.js></script>",
    "<script src=/\\evil.example/x.js></script>",
    f"<img src=x onerror={JS}>",
    f'<a href=" java\tscript:{JS}">x</a>',
    f'<a href="&#x6A;avascript:{JS}">x</a>',
    f'<form><button formaction="JaVaScRiPt:{JS}">x</button></form>',
    f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
    f'<svg><a href="javascript:{JS}"><text>x</text></a></svg>',
    '<svg><use href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=#x"/></svg>',
    "<math><mi>x</mi></math>",
    f'<iframe srcdoc="<script>{JS}</script>"></iframe>',
    f'<meta http-equiv="Refresh" content="0;url=javascript:{JS}">',
    f'<div style="background:url(\\6A avascript:{JS})">x</div>',
    '<img srcset="x 1x, javascript:alert(1) 2x">',
    f'<script type="application/ld+json">{{"name": "</script><script>{JS}</script>"}}</script>',
    '<script type="application/ld+json">{"name": "<!--"}</script>',
]


@pytest.mark.parametrize("markup", RUNNABLE)
def test_checker_finds_what_a_browser_would_run(markup):
    with pytest.raises(AssertionError):
        assert_inert_page(f"<!DOCTYPE html><html><head><title>t</title></head><body>{markup}</body></html>")


def test_checker_passes_ordinary_markup():
    assert_inert_page(
        "<!DOCTYPE html><html><head><title>t</title><script src=/static/a.js></script>"
        '<script type="application/ld+json">{"a": "\\u003c/script\\u003e"}</script></head><body>'
        '<a href="https://example.org">x</a> <a href="/x?y=1#z">y</a> <a href="mailto:a@example.org">z</a>'
        '<svg><use href="#icon"/></svg><img src="data:image/png;base64,iVBORw0KGgo=" alt="">'
        "</body></html>"
    )


# --- reference display ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", Reference.Kind.values)
def test_reference_with_hostile_fields_formats_inert(kind):
    ref = Reference(
        key="x",
        kind=kind,
        authors="\n".join(SHORT_TEXT[:4]),
        title=TEXT[0],
        container_title=TEXT[1],
        edition=TEXT[2][:40],
        publisher=TEXT[3],
        volume=TEXT[4][:40],
        issue=TEXT[5][:40],
        pages=TEXT[6][:40],
        url=f"javascript:{JS}",
        note=f"Editors: {TEXT[7]}; Published {TEXT[8]}; {TEXT[9]}",
        year=2024,
    )
    html = format_reference(ref)
    assert_inert(html)
    # Shown as the text it is, the URL included.
    assert TEXT[0] in page_text(html) and f"javascript:{JS}" in page_text(html)


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_reference_url_of_another_scheme_is_never_a_link(url):
    html = format_reference(Reference(key="x", kind=Reference.Kind.WEB_PAGE, title="T", url=url))
    assert_inert(html)
    assert not list(parse_fragment(html).iter("a"))


def test_reference_kept_as_imported_text_is_inert():
    html = format_reference(Reference(key="x", original_text=" ".join(TEXT)))
    assert_inert(html)
    assert TEXT[0] in page_text(html)


# --- a page built from the corpus ----------------------------------------------------------


@pytest.fixture
def hostile(editor, reviewer) -> Condition:
    return make_hostile_page(editor=editor, reviewer=reviewer)


@pytest.fixture
def in_review(hostile, editor) -> Condition:
    """The hostile page's new version, cleaned of unknown keys and submitted: a read-only form."""
    data = hostile_data("hostile", PUBLISHABLE[::-1])
    data.reference_keys = [HOSTILE_KEY]
    write_condition(data, by=editor, comment=TEXT[3])
    workflow.submit(hostile, by=editor, comment=TEXT[4])
    return Condition.objects.get(pk=hostile.pk)


def _get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def _ld_json(html: bytes) -> dict:
    scripts = [
        element
        for element in parse_document(html.decode()).iter("script")
        if element.get("type") == "application/ld+json"
    ]
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def test_public_condition_page_is_inert(client, hostile):
    response = _get(client, hostile.get_absolute_url())
    assert_inert_page(response.content)
    text = page_text(response.content)
    # Shown as text, not dropped: the reader sees exactly what the editor wrote.
    assert NAME in text and SHORT_TEXT[1] in text
    graph = _ld_json(response.content)["@graph"]
    page = next(node for node in graph if node["@type"] == "MedicalWebPage")
    assert page["name"] == NAME and page["description"] == SUMMARY
    assert page["reviewedBy"]["name"] == SHORT_TEXT[1]


def test_question_pages_are_inert(client, hostile):
    answers = hostile.live_publication.page.short_answers
    assert len(answers) == len(ONE_LINE_TEXT)
    for answer in answers:
        response = _get(client, reverse("conditions:question", args=[hostile.slug, answer.slug]))
        assert_inert_page(response.content)
        assert answer.question in page_text(response.content)


def test_history_and_archived_version_are_inert(client, hostile, editor, reviewer2):
    data = hostile_data("hostile", PUBLISHABLE[1:])
    data.reference_keys = [HOSTILE_KEY]
    write_condition(data, by=editor, comment="")
    publish(Condition.objects.get(pk=hostile.pk), editor=editor, reviewer=reviewer2, comment=TEXT[5])
    assert_inert_page(_get(client, reverse("conditions:history", args=["hostile"])).content)
    assert_inert_page(_get(client, reverse("conditions:publication", args=["hostile", 1])).content)


@pytest.mark.parametrize("url", ["/", "/conditions/"])
def test_home_and_a_to_z_are_inert(client, hostile, url):
    response = _get(client, url)
    assert_inert_page(response.content)
    assert NAME in page_text(response.content) and SHORT_TEXT[0] in page_text(response.content)


def test_search_results_for_a_hostile_page_are_inert(client, hostile):
    response = _get(client, "/search/?q=" + quote(f"alert {SHORT_TEXT[0]}"))
    assert_inert_page(response.content)
    assert response.context["results"].total == 1
    response = _get(client, "/search/?q=xss")  # matches in the body: a snippet is shown
    assert_inert_page(response.content)
    assert response.context["results"].total == 1


@pytest.mark.parametrize("vector", TEXT + MARKUP)
def test_search_query_is_reflected_inert(client, vector):
    response = _get(client, "/search/?q=" + quote(vector))
    assert_inert_page(response.content)
    query = response.context["query"]
    assert query and query in page_text(response.content)


@pytest.mark.parametrize("vector", SHORT_TEXT)
def test_not_found_page_for_a_hostile_address_is_inert(client, vector):
    response = client.get("/" + quote(vector))
    assert response.status_code == 404
    assert_inert_page(response.content)


def test_api_answers_are_inert(client, hostile):
    for url in [reverse("conditions:api-list"), reverse("conditions:api-detail", args=["hostile"])]:
        response = _get(client, url)
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"  # never sniffed and rendered as HTML
        assert_inert_json(response.json())
    detail = response.json()
    assert detail["name"] == NAME and detail["summary"] == SUMMARY
    assert {ref["url"] for ref in detail["references"]} >= {f"javascript:{JS}"}  # data, not a link
    unlinked = [ref["html"] for ref in detail["references"] if ref["url"] in SCRIPT_URLS and not ref["doi"]]
    assert unlinked and not any(list(parse_fragment(html).iter("a")) for html in unlinked)


def test_sitemap_and_feed_are_inert(client, hostile):
    assert_inert_xml(_get(client, "/sitemap.xml").content)
    feed = ElementTree.fromstring(_get(client, "/feeds/updates/").content)  # noqa: S314 - our own output
    assert_inert_xml(ElementTree.tostring(feed))
    entry = feed.find("atom:entry", ATOM)
    assert entry.findtext("atom:title", namespaces=ATOM) == NAME
    # The summary is HTML to a feed reader, which must show the hostile summary as text.
    summary = entry.find("atom:summary", ATOM)
    assert summary.get("type") == "html"
    assert "".join(parse_fragment(summary.text).itertext()).startswith(SUMMARY)


# --- admin screens -------------------------------------------------------------------------


def _admin(name: str, *args, query: str = "") -> str:
    return reverse(f"admin:{name}", args=args) + (f"?{query}" if query else "")


def _versions(condition: Condition) -> list[int]:
    return list(Version.objects.get_for_object(condition).order_by("pk").values_list("pk", flat=True))


def test_admin_screens_for_a_hostile_page_are_inert(client, superuser, hostile):
    client.force_login(superuser)
    versions = _versions(hostile)
    reference = Reference.objects.get(key=HOSTILE_KEY)
    publication = hostile.live_publication
    urls = [
        _admin("index"),
        _admin("conditions_condition_changelist"),
        _admin("conditions_condition_changelist", query="q=" + quote(SHORT_TEXT[0])),
        _admin("conditions_condition_changelist", query="q=fever&status=draft"),
        _admin("conditions_condition_change", hostile.pk),
        _admin("conditions_condition_history", hostile.pk),
        _admin("conditions_condition_compare", hostile.pk, query=f"from={versions[0]}&to={versions[-1]}"),
        _admin("conditions_condition_revision", hostile.pk, versions[0]),
        _admin("conditions_condition_review", hostile.pk),
        _admin("conditions_condition_preview", hostile.pk),
        _admin("conditions_publication_changelist"),
        _admin("conditions_publication_change", publication.pk),
        _admin("conditions_reviewevent_changelist"),
        _admin("conditions_reviewevent_changelist", query="q=" + quote(TEXT[1])),
        _admin("conditions_reviewerprofile_changelist"),
        _admin("references_reference_changelist"),
        _admin("references_reference_changelist", query="q=" + quote(SHORT_TEXT[2])),
        _admin("references_reference_change", reference.pk),
        _admin("references_reference_history", reference.pk),
        reverse("review-dashboard"),
    ]
    urls += [
        _admin("references_reference_change", ref.pk) for ref in Reference.objects.exclude(pk=reference.pk)
    ]
    for url in urls:
        assert_inert_page(_get(client, url).content)
    # A published page cannot be deleted: the refusal lists what protects it, by name.
    assert_inert_page(_get(client, _admin("conditions_condition_delete", hostile.pk)).content)
    export = _get(client, _admin("conditions_condition_references_export", hostile.pk, "json"))
    assert not export["Content-Type"].startswith("text/html")
    assert export["Content-Disposition"].startswith("attachment")


def test_admin_delete_and_recover_screens_are_inert(client, superuser, editor):
    draft, _ = write_condition(hostile_data("doomed", MARKUP[:10]), by=editor, comment=TEXT[0])
    client.force_login(superuser)
    assert_inert_page(_get(client, _admin("conditions_condition_delete", draft.pk)).content)
    response = client.post(_admin("conditions_condition_delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302 and not Condition.objects.filter(slug="doomed").exists()
    assert_inert_page(_get(client, _admin("conditions_condition_recoverlist")).content)
    version = Version.objects.get_deleted(Condition).get()
    assert_inert_page(_get(client, _admin("conditions_condition_recover", version.pk)).content)


def test_read_only_form_of_a_page_in_review_is_inert(client, superuser, in_review):
    client.force_login(superuser)
    response = _get(client, _admin("conditions_condition_change", in_review.pk))
    assert_inert_page(response.content)
    assert_inert_page(_get(client, _admin("conditions_condition_review", in_review.pk)).content)


def test_dashboard_lists_of_each_role_are_inert(client, editor, reviewer2, in_review):
    for user in (editor, reviewer2):
        client.force_login(user)
        response = _get(client, reverse("review-dashboard"))
        assert_inert_page(response.content)
        assert NAME in page_text(response.content)


def test_reference_lookup_answers_plain_text(client, editor, hostile):
    client.force_login(editor)
    response = _get(client, _admin("references_reference_lookup", query="q=" + quote("script")))
    results = response.json()["results"]
    assert results
    # Plain text, which the editor's script sets with textContent: no HTML fields to render.
    assert all(set(item) == {"key", "text", "kind"} for item in results)


@pytest.mark.parametrize("vector", MARKUP)
def test_editor_previews_are_inert(client, editor, vector):
    client.force_login(editor)
    response = client.post(reverse("editor-preview"), {"content": vector})
    assert response.status_code == 200
    assert_inert(response.content.decode())
    response = client.post(reverse("editor-page-preview"), {"field": ["a", "b"], "text": [vector, vector]})
    assert response.status_code == 200
    assert_inert_json(response.json(), html_keys=lambda key: key in {"a", "b"})


# --- imports -------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _text_file(text: str) -> str:
    """Vectors as a text file can hold them: the import refuses control characters that are not
    white space (tests/conditions/importing/test_importing.py), and reads the Unicode line
    separators as line breaks, which would split the numbered reference list."""
    return re.sub(r"[\x01-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u2028\u2029]", "", text)


def _imported_page_text() -> str:
    """A page in the scraped-page format whose every paragraph carries a vector."""
    paragraphs = [f"Zorblax fever is a rare condition of the toes. {MARKUP[0]} {TEXT[1]}"]
    paragraphs += ["Symptoms", *[f"• {vector.replace(chr(10), ' ')}" for vector in MARKUP[:40]]]
    paragraphs += ["Causes", *[f"{vector.replace(chr(10), ' ')}." for vector in MARKUP[40:80]]]
    paragraphs += ["References", f"1. Doe J. {TEXT[0]}. J Things. 2020;1:1-2. {SCRIPT_URLS[0]}"]
    paragraphs += [f"{n}. {vector}" for n, vector in enumerate(TEXT[1:], start=2)]
    return _text_file("\n\n".join(paragraphs) + "\n")


def test_imported_condition_page_is_inert_in_preview_and_once_published(
    client, tmp_path, editor, reviewer, superuser
):
    path = _write(tmp_path, "page.txt", _imported_page_text())
    call_command("import_condition", str(path), "--title", NAME, "--slug", "imported", stdout=StringIO())
    condition = Condition.objects.get(slug="imported")
    assert condition.name == NAME and condition.sections.count() >= 3
    client.force_login(superuser)
    assert_inert_page(_get(client, _admin("conditions_condition_preview", condition.pk)).content)
    assert_inert_page(_get(client, _admin("conditions_condition_change", condition.pk)).content)
    publish(condition, editor=editor, reviewer=reviewer)
    client.logout()
    assert_inert_page(_get(client, condition.get_absolute_url()).content)
    assert_inert_json(_get(client, reverse("conditions:api-detail", args=["imported"])).json())


def test_imported_short_answer_card_is_inert(client, tmp_path, editor, reviewer, superuser):
    card = (
        "\n".join(
            [
                "Short answer · Medically reviewed summary · Last updated: March 3, 2025",
                f"Zorblax fever is {MARKUP[8]} harmless. What causes {TEXT[0]}? {MARKUP[24]}",
                *MARKUP[30:60],
            ]
        )
        + "\n"
    )
    path = _write(tmp_path, "card.txt", _text_file(card))
    call_command("import_condition", str(path), "--title", NAME, "--slug", "card", stdout=StringIO())
    condition = Condition.objects.get(slug="card")
    client.force_login(superuser)
    assert_inert_page(_get(client, _admin("conditions_condition_preview", condition.pk)).content)
    assert_inert_page(_get(client, _admin("conditions_condition_change", condition.pk)).content)


REFERENCE_VECTORS = TEXT + MARKUP[:30]


def _bibtex(vectors: list[str]) -> str:
    entries = []
    for n, vector in enumerate(vectors):
        text = vector.replace("{", "(").replace("}", ")").replace("@", "(at)")
        fields = {"title": text, "author": f"Doe, Jane and {text[:40]}", "journal": text, "year": "2021"}
        fields |= {"publisher": text, "note": text}
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        entries.append(f"@article{{hostile{n},\n{body}\n}}\n")
    return "\n".join(entries)


def _ris(vectors: list[str]) -> str:
    records = []
    for n, vector in enumerate(vectors):
        line = vector.replace("\n", " ")
        records.append(
            f"TY  - JOUR\nID  - hostile{n}\nTI  - {line}\nAU  - Doe, Jane\nAU  - {line[:60]}\n"
            f"T2  - {line}\nPY  - 2021\nN1  - {line}\nER  - \n"
        )
    return "\n".join(records)


def _csl(vectors: list[str]) -> str:
    items = [
        {
            "id": f"hostile{n}",
            "type": "article-journal",
            "title": vector,
            "author": [{"family": vector[:60], "given": "J"}],
            "container-title": vector,
            "publisher": vector,
            "issued": {"date-parts": [[2021]]},
            "note": vector,
        }
        for n, vector in enumerate(vectors)
    ]
    return json.dumps(items)


@pytest.mark.parametrize(("fmt", "make"), [("bibtex", _bibtex), ("ris", _ris), ("csl-json", _csl)])
def test_imported_references_with_hostile_fields_display_inert(client, superuser, fmt, make):
    write_references(parse_references(make(REFERENCE_VECTORS), fmt), source="test")
    references = list(Reference.objects.all())
    assert len(references) == len(REFERENCE_VECTORS)
    for reference in references:
        assert_inert(format_reference(reference))
    client.force_login(superuser)
    assert_inert_page(_get(client, _admin("references_reference_changelist", query="all=")).content)
    for reference in references[:: len(references) // 8]:
        assert_inert_page(_get(client, _admin("references_reference_change", reference.pk)).content)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("bibtex", f"@misc{{evil,\n  title = {{Evil}},\n  url = {{javascript:{JS}}}\n}}\n"),
        ("ris", f"TY  - ELEC\nTI  - Evil\nUR  - javascript:{JS}\nER  - \n"),
        (
            "csl-json",
            json.dumps([{"id": "evil", "type": "webpage", "title": "Evil", "URL": f"javascript:{JS}"}]),
        ),
    ],
)
def test_imported_script_url_is_refused_and_nothing_is_written(fmt, text):
    with pytest.raises(ImportProblem, match=r"(?i)url"):
        write_references(parse_references(text, fmt), source="test")
    assert not Reference.objects.exists()


def test_structured_data_survives_hostile_names_in_every_field(hostile):
    publication = Publication.objects.get(condition=hostile, number=1)
    graph = json.loads(
        structured.json_ld(
            structured.condition_graph(
                hostile,
                publication,
                page_url="https://x.example/",
                home_url="https://x.example/",
                index_url="https://x.example/",
            )
        )
    )
    assert graph["@graph"][0]["about"]["alternateName"] == hostile.synonyms
    assert "<" not in structured.json_ld(graph["@graph"])


def test_listed_references_keep_their_hostile_keys_out_of_markup(client, hostile):
    assert ConditionReference.objects.filter(reference__key=CITATION_KEYS[0]).exists()
    assert_inert_page(_get(client, hostile.get_absolute_url()).content)


# --- bounded work: the bounded-work issue's inputs are rendered or refused, never a worker's end ----
# (How long each takes is measured by bench/hostile.py, not here.)


@pytest.mark.parametrize(("what", "shape", "size"), hostile_inputs.MARKDOWN_INPUTS)
def test_hostile_preview_is_rendered_inert_or_refused_with_a_reason(client, editor, what, shape, size):
    client.force_login(editor)
    text = hostile_inputs.MARKDOWN_SHAPES[shape](size)
    response = client.post(reverse("editor-page-preview"), {"field": ["sections-0-body"], "text": [text]})
    if size > limits.MARKDOWN_FIELD_MAX_CHARS:
        assert response.status_code == 413
        assert "the most is 20,000" in response.json()["error"]
    elif response.status_code == 200:
        assert_inert_json(response.json(), html_keys=lambda key: key == "sections-0-body")
    else:  # on a slow or busy machine a shape may run out of its budget
        assert response.status_code == 422
        assert "too complex to preview in time" in response.json()["error"]


def test_free_text_reference_of_repeated_labels_keeps_the_date_after_them():
    text = "Doe J. Title. " + "Updated " * 18_000 + ". Accessed August 24, 2020."
    fields = parse_reference(text)
    assert fields["accessed_on"] == date(2020, 8, 24)
    assert fields["authors"] == "Doe J" and fields["title"] == "Title"


def test_free_text_reference_with_runs_of_spaces_reads_as_without():
    text = "Doe J.   Title.\tJ Things.  2020;1:1-2.   Accessed" + " " * 50_000 + "August 24, 2020."
    spaced, plain = parse_reference(text), parse_reference(" ".join(text.split()))
    assert spaced == plain and spaced["accessed_on"] == date(2020, 8, 24)


def test_exported_author_with_a_run_of_spaces_keeps_its_initials():
    assert split_author("Doe" + " " * 100_000 + "JA") == ("Doe", "J. A.", "")
    assert split_author("van der Berg M Jr") == ("van der Berg", "M.", "Jr")
    assert split_author("World Health Organization") is None


def test_imported_page_name_after_runs_of_spaces():
    assert (
        condition_importers.infer_name("Carcinoid   syndrome" + " " * 50_000 + "is a rare   condition.")
        == "Carcinoid syndrome"
    )
    assert condition_importers.infer_name("Zorblax" + " " * 50_000 + "x") is None


def test_short_answer_card_header_of_repeated_labels():
    header = "Short answer · " + "Last updated " * 10_000 + "· Last updated:  March 3, 2025  "
    document = condition_importers.parse_document(
        f"{header}\nZorblax fever is a rare condition.\n", source="card.txt"
    )
    assert document.data.short_answers[0].source_updated_on == date(2025, 3, 3)


def test_crowd_lines_are_found_whatever_precedes_them():
    assert short_answer_cards._is_crowd_line("1," * 50_000 + " people have shared their story")
    assert not short_answer_cards._is_crowd_line("1," * 50_000 + " people")
    assert short_answer_cards._is_crowd_line("12 people with it have shared")


def test_reference_file_after_many_blank_lines_is_still_bibtex():
    assert guess_format(" \n" * 50_000 + "@article{key,\n  title = {T}\n}\n") == "bibtex"
    assert guess_format(" \n" * 50_000 + "plain text\n") is None


def test_bibtex_url_in_howpublished_is_still_read():
    text = "@misc{k,\n  title = {T},\n  howpublished = {\\url{https://example.org/a}}\n}\n"
    assert parse_references(text, "bibtex")[0].fields["url"] == "https://example.org/a"
