from __future__ import annotations

import json
from io import StringIO
from urllib.parse import urlencode

import feedparser
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import etree

from conditions import workflow
from conditions.content import ConditionData, write_condition
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

SERVICE = "/infobutton/service/"
APPLICATION = "/infobutton/application/"
ICD10CM = "2.16.840.1.113883.6.90"
SNOMEDCT = "2.16.840.1.113883.6.96"
MESH = "2.16.840.1.113883.6.177"


def ask(path: str = SERVICE, code: str = "E34.01", system: str = ICD10CM, **more: str):
    query = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system, **more}
    return Client().get(f"{path}?{urlencode(query)}")


def ask_json(code: str, system: str = ICD10CM) -> dict:
    response = ask(code=code, system=system, knowledgeResponseType="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)["feed"]


def titles(code: str, system: str = ICD10CM) -> list[str]:
    return [entry["title"]["_value"] for entry in ask_json(code, system)["entry"]]


@pytest.fixture
def pages(editor, reviewer):
    carcinoid = make_condition(
        editor,
        "Carcinoid syndrome",
        summary="Flushing and diarrhoea caused by hormones from a neuroendocrine tumour.",
        also_called=["Carcinoid flush syndrome"],
        codes=["ICD10CM:E34.0", "SNOMEDCT:35868009"],
    )
    publish(carcinoid, editor=editor, reviewer=reviewer)
    endocrine = make_condition(
        editor,
        "Endocrine disorders",
        summary="When the glands that make hormones make too much or too little.",
        codes=["ICD10CM:E34"],
    )
    publish(endocrine, editor=editor, reviewer=reviewer)
    gout = make_condition(
        editor,
        "Gout",
        summary="Sudden, painful swelling of a joint, often the big toe.",
        also_called=["Podagra", "Gouty arthritis"],
        codes=["ICD10CM:M10.9", "SNOMEDCT:90560007", "MESH:D006073"],
    )
    publish(gout, editor=editor, reviewer=reviewer)
    # Coded, but never approved: no request finds it.
    make_condition(editor, "Flushing", codes=["ICD10CM:E34.0"])
    return {"carcinoid": carcinoid, "endocrine": endocrine, "gout": gout}


def test_a_child_code_finds_the_pages_coded_with_the_codes_above_it(pages):
    assert titles("E34.01") == ["Carcinoid syndrome", "Endocrine disorders"]
    assert titles("E34.0") == ["Carcinoid syndrome", "Endocrine disorders"]
    # A code above a page's does not find it: that page is about something narrower.
    assert titles("E34") == ["Endocrine disorders"]
    assert titles("M10.9") == ["Gout"]
    assert titles("M10.071") == []


def test_codes_are_matched_as_records_write_them(pages):
    assert titles("e34.01") == ["Carcinoid syndrome", "Endocrine disorders"]
    assert titles("M109") == ["Gout"]
    assert titles(" 90560007 ", SNOMEDCT) == ["Gout"]
    assert titles("D006073", MESH) == ["Gout"]
    # An OID may come as a URN.
    assert titles("M10.9", f"urn:oid:{ICD10CM}") == ["Gout"]


def test_snomed_ct_codes_match_exactly(pages):
    assert titles("90560007", SNOMEDCT) == ["Gout"]
    assert titles("35868009", SNOMEDCT) == ["Carcinoid syndrome"]
    # The ICD-10-CM code as a SNOMED CT one finds nothing.
    assert titles("E34.0", SNOMEDCT) == []


def test_atom_response_is_a_feed_with_each_page(pages):
    response = ask(code="M10.9", informationRecipient="PAT")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.version == "atom10"
    (entry,) = feed.entries
    assert entry.title == "Gout"
    assert entry.link == "http://testserver/conditions/gout/"
    assert "Sudden, painful swelling of a joint" in entry.summary
    assert "Also called: Podagra, Gouty arthritis" in entry.summary
    reviewed = pages["gout"].publications.get().reviewed_on.isoformat()
    assert f"Last reviewed: {reviewed}" in entry.summary
    assert {(tag.scheme, tag.term) for tag in feed.feed.tags} == {
        ("mainSearchCriteria.v.c", "M10.9"),
        ("mainSearchCriteria.v.cs", ICD10CM),
        ("informationRecipient", "PAT"),
    }


def test_atom_is_the_default_and_answers_to_its_own_type(pages):
    assert ask(code="M10.9")["Content-Type"].startswith("application/atom+xml")
    response = ask(code="M10.9", knowledgeResponseType="application/atom+xml")
    assert feedparser.parse(response.content).entries[0].title == "Gout"


def test_json_response_mirrors_the_atom_elements(pages):
    feed = ask_json("M10.9")
    (entry,) = feed["entry"]
    assert entry["title"] == {"_value": "Gout", "type": "text"}
    assert entry["link"] == [
        {"href": "http://testserver/conditions/gout/", "rel": "alternate", "type": "text/html"}
    ]
    assert entry["summary"]["type"] == "html"
    assert "<p>Sudden, painful swelling of a joint, often the big toe.</p>" in entry["summary"]["_value"]
    assert entry["also_called"] == ["Podagra", "Gouty arthritis"]
    assert entry["last_reviewed"] == pages["gout"].publications.get().reviewed_on.isoformat()
    assert {"scheme": "mainSearchCriteria.v.cs", "term": ICD10CM} in feed["category"]


def test_an_unknown_code_gets_an_empty_valid_response(pages):
    response = ask(code="Z99.89")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.entries == []
    # Atom requires a feed's id, title and updated even with no entries.
    root = etree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert [root.find(f"{atom}{name}") is not None for name in ("id", "title", "updated")] == [True] * 3
    assert ask_json("Z99.89")["entry"] == []
    # Not a code of its system at all: it matches nothing either.
    assert ask_json("not a code")["entry"] == []
    assert ask_json("12345", SNOMEDCT)["entry"] == []


def test_a_display_name_is_echoed_in_the_subtitle(pages):
    response = ask(code="M10.9", **{"mainSearchCriteria.v.dn": "Gout, unspecified"})
    assert feedparser.parse(response.content).feed.subtitle == "Pages for ICD-10-CM M10.9 (Gout, unspecified)"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"mainSearchCriteria.v.cs": ICD10CM},
            "its code system's OID as mainSearchCriteria.v.cs (ICD-10-CM 2.16.840.1.113883.6.90, SNOMED CT",
        ),
        ({"mainSearchCriteria.v.c": "M10.9"}, "Give the problem's code"),
        (
            {"mainSearchCriteria.v.c": "M10.9", "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.103"},
            "not a code system",
        ),
        (
            {
                "mainSearchCriteria.v.c": "M10.9",
                "mainSearchCriteria.v.cs": ICD10CM,
                "informationRecipient": "X",
            },
            "informationRecipient “X”",
        ),
        (
            {
                "mainSearchCriteria.v.c": "M10.9",
                "mainSearchCriteria.v.cs": ICD10CM,
                "knowledgeResponseType": "text/html",
            },
            "knowledgeResponseType “text/html”",
        ),
    ],
)
def test_a_request_the_service_cannot_answer_says_why(pages, query, message):
    response = Client().get(f"{SERVICE}?{urlencode(query)}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_json_request_gets_its_error_as_json(pages):
    response = Client().get(f"{SERVICE}?knowledgeResponseType=application/json")
    assert response.status_code == 400
    assert "Give the problem's code" in json.loads(response.content)["error"]


def test_only_approved_codes_are_matched(pages, editor):
    # A code added to the working copy is not matched until a reviewer approves it.
    write_condition(
        ConditionData(name="Gout", slug="gout", codes=["ICD10CM:M10.9", "ICD10CM:M1A.9"]),
        by=editor,
        comment="Chronic gout's code",
    )
    assert titles("M1A.9") == []
    assert titles("M10.9") == ["Gout"]


def test_a_page_taken_offline_is_not_found(pages, reviewer):
    workflow.unpublish(pages["gout"], by=reviewer, reason="Being rewritten.")
    assert titles("M10.9") == []


def test_the_service_reads_the_matches_in_one_query(pages):
    with CaptureQueriesContext(connection) as queries:
        response = ask(code="E34.01", knowledgeResponseType="application/json")
    assert response.status_code == 200
    # 1: the live pages coded with E34.01, E34.0 or E34, joined to their live publications.
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]


def test_service_is_read_only(pages):
    assert Client().post(SERVICE).status_code == 405
    assert Client().post(APPLICATION).status_code == 405


# --- the web application ----------------------------------------------------------------------


def test_the_application_goes_straight_to_the_one_matching_page(pages):
    response = ask(APPLICATION, code="M10.9", informationRecipient="PAT")
    assert response.status_code == 302
    assert response["Location"] == "/conditions/gout/"


def test_the_application_lists_several_matching_pages(pages):
    response = ask(APPLICATION, code="E34.01", **{"mainSearchCriteria.v.dn": "Carcinoid syndrome"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 pages are about “Carcinoid syndrome” (ICD-10-CM E34.01)" in html
    assert '<a href="http://testserver/conditions/carcinoid-syndrome/">Carcinoid syndrome</a>' in html
    assert '<a href="http://testserver/conditions/endocrine-disorders/">Endocrine disorders</a>' in html
    assert "Also called: Carcinoid flush syndrome" in html


def test_the_application_says_when_no_page_matches(pages):
    response = ask(APPLICATION, code="J45.909")
    assert response.status_code == 200
    assert "We have no page about the problem ICD-10-CM J45.909 yet." in response.content.decode()


def test_the_application_explains_a_broken_link(pages):
    response = Client().get(APPLICATION)
    assert response.status_code == 400
    assert "This link does not say which health problem it is about" in response.content.decode()


def test_the_demo_pages_answer_their_codes(settings, tmp_path):
    settings.DEBUG = True  # load_demo runs only on a local site
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the demo's image files
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    call_command("load_demo", stdout=StringIO())
    assert titles("M10.9") == ["Gout"]
    assert titles("4740000", SNOMEDCT) == []  # Shingles is still in review
    assert titles("D50.9") == ["Iron deficiency anaemia"]
    assert titles("G43.909", ICD10CM) == ["Migraine"]
