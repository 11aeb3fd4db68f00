from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from conditions import workflow
from conditions.codes import (
    ICD10CM,
    MESH,
    SNOMEDCT,
    Code,
    parse_code,
    parse_codes,
    validate_codes,
    verhoeff_valid,
)
from conditions.compare import compare, snapshot_from_publication, snapshot_from_working_copy
from conditions.content import ConditionData, write_condition
from conditions.models import Condition
from conditions.pagecontent import content_of
from tests import schema_vocabulary
from tests.factories import make_condition, publish

# --- forms of codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("ICD10CM:E34.0", "ICD10CM:E34.0"),
        ("icd-10-cm: e34.00", "ICD10CM:E34.00"),
        ("ICD10CM:M1A.071", "ICD10CM:M1A.071"),
        ("ICD10CM:E3401", "ICD10CM:E34.01"),  # as records often store it, without the dot
        ("ICD10CM:E34", "ICD10CM:E34"),
        ("SNOMED CT:90560007", "SNOMEDCT:90560007"),
        ("sct:22298006", "SNOMEDCT:22298006"),
        ("SNOMEDCT:138875005", "SNOMEDCT:138875005"),
        ("MeSH:D006073", "MESH:D006073"),
        ("MESH:D000086382", "MESH:D000086382"),
        ("mesh:c05.550.114.423", "MESH:C05.550.114.423"),
    ],
)
def test_codes_are_read_in_every_accepted_spelling(written, key):
    assert parse_code(written).key == key


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("E34.0", "names no code system"),
        ("ICD9:250.00", "not a code system this site knows"),
        ("ICD10CM:34.0", "is not an ICD-10-CM code"),
        ("ICD10CM:E34.00000", "is not an ICD-10-CM code"),
        ("ICD10CM:E3", "is not an ICD-10-CM code"),
        ("SNOMEDCT:90560008", "not the check digit"),  # 90560007 with its last digit mistyped
        ("SNOMEDCT:12345", "6 to 18 digits"),
        ("SNOMEDCT:090560007", "not starting with 0"),
        ("MESH:D12345", "not a MeSH descriptor"),
        ("MESH:Gout", "not a MeSH descriptor"),
    ],
)
def test_a_code_of_the_wrong_form_is_refused_with_a_reason(written, message):
    with pytest.raises(ValueError, match=message):
        parse_code(written)


def test_verhoeff_check_digits_of_snomed_ct_ids():
    for concept in ("90560007", "73211009", "22298006", "404684003", "195967001"):
        assert verhoeff_valid(concept)
    # Every single-digit error and every swap of unequal neighbours is caught.
    concept = "90560007"
    for i, digit in enumerate(concept):
        for other in set("0123456789") - {digit}:
            assert not verhoeff_valid(concept[:i] + other + concept[i + 1 :])
    for i in range(len(concept) - 1):
        if concept[i] != concept[i + 1]:
            assert not verhoeff_valid(concept[:i] + concept[i + 1] + concept[i] + concept[i + 2 :])


def test_validate_codes_names_every_bad_line():
    validate_codes("ICD10CM:E34.0\n\nSNOMEDCT:90560007\r\n")
    with pytest.raises(ValidationError) as refused:
        validate_codes("ICD10CM:E34.0\nICD10CM:bad\nMESH:nope")
    assert len(refused.value.messages) == 2
    assert "“bad” is not an ICD-10-CM code" in refused.value.messages[0]


def test_parse_codes_keeps_order_and_drops_repeats():
    codes = parse_codes("MESH:D006073\nICD10CM:M10.9\nicd10cm:m10.9")
    assert [code.key for code in codes] == ["MESH:D006073", "ICD10CM:M10.9"]


def test_icd_10_cm_codes_are_nested_by_their_characters_and_others_are_not():
    assert [c.code for c in Code(ICD10CM, "M10.071").broader()] == ["M10.071", "M10.07", "M10.0", "M10"]
    assert Code(ICD10CM, "M10").broader() == [Code(ICD10CM, "M10")]
    assert Code(SNOMEDCT, "90560007").broader() == [Code(SNOMEDCT, "90560007")]
    assert Code(MESH, "C05.550.114.423").broader() == [Code(MESH, "C05.550.114.423")]


# --- codes on a page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_with_a_code_of_the_wrong_form_is_not_written(editor):
    with pytest.raises(ValidationError) as refused:
        write_condition(
            ConditionData(name="Gout", codes=["ICD10CM:M10.9", "SNOMEDCT:90560008"]), by=editor, comment=""
        )
    assert "not the check digit" in str(refused.value.message_dict["codes"])
    assert not Condition.objects.exists()


def _form_data(condition: Condition, codes: str) -> dict:
    """The edit page as a browser posts it: the page's fields, no sections or other rows."""
    data = {
        "name": condition.name,
        "slug": condition.slug,
        "also_called": condition.also_called,
        "summary": condition.summary,
        "codes": codes,
        "review_interval_months": condition.review_interval_months,
        "source_updated_on": "",
        "lock_version_seen": condition.lock_version,
    }
    for prefix in ("sections", "short_answers", "condition_references"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


@pytest.mark.django_db
def test_editor_saves_codes_on_the_edit_page_and_a_bad_one_is_shown_back(client, editor):
    condition = make_condition(editor, "Gout", sections=[])
    url = reverse("admin:conditions_condition_change", args=[condition.pk])
    client.force_login(editor)
    response = client.post(url, _form_data(condition, "ICD10CM:M10.9\nSNOMEDCT:90560008"))
    assert response.status_code == 200
    assert "is not a SNOMED CT concept id: its last digit is not the check digit" in response.content.decode()
    assert Condition.objects.get(pk=condition.pk).codes == ""
    response = client.post(url, _form_data(condition, "ICD10CM:M10.9\r\nSNOMEDCT:90560007"))
    assert response.status_code == 302
    assert Condition.objects.get(pk=condition.pk).codes == "ICD10CM:M10.9\nSNOMEDCT:90560007"


@pytest.mark.django_db
def test_codes_are_kept_in_the_pages_history(editor):
    condition = make_condition(editor, "Gout", codes=["ICD10CM:M10.9"])
    write_condition(
        ConditionData(name="Gout", slug="gout", codes=["ICD10CM:M10.9", "MESH:D006073"]),
        by=editor,
        comment="MeSH",
    )
    versions = Version.objects.get_for_object(condition)
    assert [v.field_dict["codes"] for v in versions] == ["ICD10CM:M10.9\nMESH:D006073", "ICD10CM:M10.9"]
    assert versions[0].revision.comment == "MeSH. Changed: codes."


@pytest.mark.django_db
def test_codes_are_part_of_what_a_review_approves_but_a_page_without_them_hashes_as_before(editor):
    plain = make_condition(editor, "Gout")
    content = content_of(plain)
    assert "codes" not in content.atoms()
    before = content.content_hash()
    write_condition(ConditionData(name="Gout", slug="gout", codes=["ICD10CM:M10.9"]), by=editor, comment="")
    coded = content_of(Condition.objects.get(pk=plain.pk))
    assert "codes" in coded.atoms()
    assert coded.content_hash() != before


@pytest.mark.django_db
def test_approval_freezes_the_codes_and_later_edits_wait_for_review(editor, reviewer):
    condition = make_condition(editor, "Gout", codes=["icd10cm:m10.9", "SNOMEDCT:90560007"])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    assert publication.page.codes == ("ICD10CM:M10.9", "SNOMEDCT:90560007")
    assert publication.codes == "ICD10CM:M10.9\nSNOMEDCT:90560007"
    write_condition(ConditionData(name="Gout", slug="gout", codes=["ICD10CM:M1A.9"]), by=editor, comment="")
    live = Condition.objects.live().get(pk=condition.pk).live_publication
    assert live.page.codes == ("ICD10CM:M10.9", "SNOMEDCT:90560007")


@pytest.mark.django_db
def test_the_comparison_shows_changed_codes_as_people_read_them(editor, reviewer):
    condition = make_condition(editor, "Gout", codes=["ICD10CM:M10.9"])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    write_condition(
        ConditionData(name="Gout", slug="gout", codes=["ICD10CM:M10.9", "SNOMEDCT:90560007"]),
        by=editor,
        comment="",
    )
    comparison = compare(
        snapshot_from_publication(publication),
        snapshot_from_working_copy(Condition.objects.get(pk=condition.pk)),
    )
    (change,) = comparison.fields
    assert change.label == "Codes"
    html = str(change.diff.html)
    assert "<p>ICD-10-CM M10.9</p>" in html
    assert "SNOMED CT 90560007</ins>" in html
    assert "Codes: changed." in comparison.overview()


@pytest.mark.django_db
def test_the_review_screen_compares_the_codes_submitted_with_the_live_ones(client, editor, reviewer):
    condition = make_condition(editor, "Gout", codes=["ICD10CM:M10.9"])
    publish(condition, editor=editor, reviewer=reviewer)
    write_condition(ConditionData(name="Gout", slug="gout", codes=["ICD10CM:M10.90"]), by=editor, comment="")
    workflow.submit(Condition.objects.get(pk=condition.pk), by=editor)
    client.force_login(reviewer)
    response = client.get(reverse("admin:conditions_condition_review", args=[condition.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Codes: changed." in text
    assert "Name, other names, summary and codes Codes ICD-10-CM removed: M10.9 added: M10.90" in text


# --- codes published --------------------------------------------------------------------------


@pytest.fixture
def coded(editor, reviewer):
    gout = make_condition(
        editor,
        "Gout",
        short_answers=[("Is gout hereditary?", "It can run in families.", "")],
        codes=["ICD10CM:M10.9", "SNOMEDCT:90560007", "MESH:D006073"],
    )
    publish(gout, editor=editor, reviewer=reviewer)
    carcinoid = make_condition(editor, "Carcinoid syndrome", codes=["ICD10CM:E34.0"])
    publish(carcinoid, editor=editor, reviewer=reviewer)
    publish(make_condition(editor, "Bursitis"), editor=editor, reviewer=reviewer)
    return gout


GOUT_CODES = [
    {"@type": "MedicalCode", "codeValue": "M10.9", "codingSystem": "ICD-10-CM"},
    {"@type": "MedicalCode", "codeValue": "90560007", "codingSystem": "SNOMED CT"},
    {"@type": "MedicalCode", "codeValue": "D006073", "codingSystem": "MeSH"},
]


def _condition_node(url: str) -> dict:
    response = Client().get(url)
    assert response.status_code == 200
    (document,) = schema_vocabulary.json_ld(response.content.decode())
    assert schema_vocabulary.errors([document]) == []
    (page,) = [n for n in schema_vocabulary.nodes(document) if n["@type"] == "MedicalWebPage"]
    assert page["about"]["@type"] == "MedicalCondition"
    return page["about"]


@pytest.mark.django_db
def test_json_ld_states_the_approved_codes_as_medical_codes(coded):
    assert _condition_node("/conditions/gout/")["code"] == GOUT_CODES
    assert _condition_node("/conditions/gout/questions/is-gout-hereditary/")["code"] == GOUT_CODES
    assert "code" not in _condition_node("/conditions/bursitis/")


@pytest.mark.django_db
def test_the_api_gives_each_pages_codes(coded):
    detail = Client().get("/api/conditions/gout/").json()
    assert [(c["system"], c["value"]) for c in detail["code"]] == [
        ("ICD10CM", "M10.9"),
        ("SNOMEDCT", "90560007"),
        ("MESH", "D006073"),
    ]
    assert detail["code"][1] == {
        "system": "SNOMEDCT",
        "value": "90560007",
        "system_name": "SNOMED CT",
        "oid": "2.16.840.1.113883.6.96",
    }
    items = {item["name"]: item["code"] for item in Client().get("/api/conditions/").json()["results"]}
    assert items["Gout"] == detail["code"]
    assert items["Bursitis"] == []


def _filtered(code: str) -> list[str]:
    response = Client().get("/api/conditions/", {"code": code})
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


@pytest.mark.django_db
def test_the_api_list_filters_by_code(coded):
    assert _filtered("ICD10CM:M10.9") == ["Gout"]
    assert _filtered("SNOMEDCT:90560007") == ["Gout"]
    assert _filtered("MESH:D006073") == ["Gout"]
    # A code below a page's finds it, as the Infobutton service does; one above does not.
    assert _filtered("ICD10CM:E34.01") == ["Carcinoid syndrome"]
    assert _filtered("ICD10CM:E34") == []
    # One code's key is not a prefix match for another's.
    assert _filtered("ICD10CM:M10") == []
    assert _filtered("ICD10CM:J45.909") == []


@pytest.mark.django_db
def test_a_code_filter_of_the_wrong_form_is_a_400_naming_the_parameter(coded):
    response = Client().get("/api/conditions/", {"code": "SNOMEDCT:90560008"})
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "code" and "check digit" in body["error"]
    assert Client().get("/api/conditions/", {"code": "gout"}).status_code == 400
    assert Client().get("/api/conditions/", {"code": "ICD10CM:M10.9", "q": "gout"}).status_code == 400
