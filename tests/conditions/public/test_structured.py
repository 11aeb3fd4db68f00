"""Structured data (conditions/public/structured.py) as search engines read it: the JSON-LD of
rendered pages, read with extruct and checked against the schema.org vocabulary, and every
medical fact it states found in the section of its kind on the same page."""

from __future__ import annotations

import re
from datetime import date

import lxml.html
import pytest
from django.urls import reverse

from conditions import workflow
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.facts import FACT_KINDS
from conditions.models import Condition
from conditions.public import structured
from conditions.publishedpage import PublishedReference
from tests import schema_vocabulary
from tests.factories import make_condition, make_image, make_reference, publish

pytestmark = pytest.mark.django_db

LICENSE = "https://creativecommons.org/licenses/by-nc-sa/4.0/"

# A gout-like page in the shape editors write them: a Causes section with a list of causes and,
# after it, a list of what sets a flare off, which are not causes of the condition.
GOUT_SECTIONS = [
    ("overview", "Gout is a kind of arthritis that brings on sudden attacks of joint pain."),
    (
        "symptoms",
        "Symptoms include:\n\n"
        "- **Sudden pain in one joint.** Often the big toe, and often at night [@hale2019].\n"
        "- Swelling and redness over the joint\n"
        "- Skin over the joint that feels hot",
    ),
    (
        "causes",
        "Gout happens when uric acid builds up in the blood and forms crystals in a joint.\n\n"
        "Causes include:\n\n"
        "- Kidneys that clear too little uric acid\n"
        "- Some water tablets (diuretics)\n\n"
        "Flares can be set off by:\n\n"
        "- Drinking alcohol\n"
        "- A knock to the joint\n"
        "- Being short of fluids",
    ),
    (
        "risk_factors",
        "You're more likely to get gout if you:\n\n- are overweight\n- have high blood pressure",
    ),
    (
        "treatment",
        "Treatment aims to ease a flare quickly and stop new ones.\n\n"
        "Treatments include:\n\n"
        "- Anti-inflammatory painkillers\n"
        "- Colchicine [@okafor2021]\n"
        "- Medicines that lower uric acid over time",
    ),
    ("complications", "Over years, crystals left in a joint can wear it down."),
    ("diagnosis", "Tests may include:\n\n- A blood test for uric acid\n- Fluid drawn from the joint"),
]


@pytest.fixture
def gout(editor, reviewer, settings):
    settings.MEDSITE_PUBLISHER_NAME = "Northfield Health Library"
    settings.MEDSITE_CONTENT_LICENSE = LICENSE
    settings.MEDSITE_COPYRIGHT_HOLDER = "Northfield Health Trust"
    make_reference(
        "hale2019",
        title="Acute gout in primary care",
        authors="Hale PR\nIbarra S",
        container_title="Fam Pract Rev",
        doi="10.5555/fpr.2019.0412",
        pmid="30999123",
    )
    make_reference("okafor2021", title="Colchicine dosing revisited", doi="10.5555/rheum.2021.77")
    make_reference(
        "gout-society",
        kind="web-page",
        title="Living with gout",
        authors="Gout Support Society",
        container_title="Gout Support Society",
        url="https://gout-support.example.org/living-with-gout",
        accessed_on=date(2026, 11, 2),
    )
    condition = make_condition(
        editor,
        name="Gout",
        also_called=["Gouty arthritis"],
        sections=GOUT_SECTIONS,
        short_answers=[
            (
                "Can cutting down on alcohol help?",
                "Yes: drinking less makes flares less likely [@okafor2021].",
                "Beer raises uric acid more than wine does [@gout-society].",
            )
        ],
        reference_keys=["gout-society"],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def _page(client, url: str) -> tuple[str, dict]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    documents = schema_vocabulary.json_ld(html)
    assert len(documents) == 1, "one JSON-LD block per page"
    assert schema_vocabulary.errors(documents) == []
    return html, documents[0]


def _node(document: dict, kind: str) -> dict:
    matches = [node for node in schema_vocabulary.nodes(document) if node["@type"] == kind]
    assert len(matches) == 1, f"one {kind}"
    return matches[0]


def _names(values: list) -> list[str]:
    return [value["name"] if isinstance(value, dict) else value for value in values]


def _section_items(html: str, kind: str) -> list[str]:
    """The text of every list item in the page's sections of ``kind``, as a reader sees it."""
    tree = lxml.html.fromstring(html)
    sections = tree.xpath(f'//section[contains(concat(" ", @class, " "), " section-{kind} ")]')
    return [" ".join(li.text_content().split()) for section in sections for li in section.iter("li")]


def test_causes_come_from_the_list_introduced_as_causes_never_from_the_triggers_of_a_flare(client, gout):
    html, document = _page(client, gout.get_absolute_url())
    about = _node(document, "MedicalWebPage")["about"]
    assert about["@type"] == "MedicalCondition" and about["name"] == "Gout"
    assert about["cause"] == [
        {"@type": "MedicalCause", "name": "Kidneys that clear too little uric acid"},
        {"@type": "MedicalCause", "name": "Some water tablets (diuretics)"},
    ]
    # The triggers are on the page, in the Causes section, and stated nowhere in the data.
    assert "Drinking alcohol" in _section_items(html, "causes")
    data = str(document)
    assert "Drinking alcohol" not in data and "A knock to the joint" not in data


def test_every_kind_of_fact_is_stated_from_its_own_section(client, gout):
    _html, document = _page(client, gout.get_absolute_url())
    about = _node(document, "MedicalWebPage")["about"]
    assert _names(about["signOrSymptom"]) == [
        "Sudden pain in one joint",
        "Swelling and redness over the joint",
        "Skin over the joint that feels hot",
    ]
    assert {item["@type"] for item in about["signOrSymptom"]} == {"MedicalSignOrSymptom"}
    assert about["riskFactor"] == [
        {"@type": "MedicalRiskFactor", "name": "are overweight"},
        {"@type": "MedicalRiskFactor", "name": "have high blood pressure"},
    ]
    assert _names(about["possibleTreatment"]) == [
        "Anti-inflammatory painkillers",
        "Colchicine",
        "Medicines that lower uric acid over time",
    ]
    assert {item["@type"] for item in about["possibleTreatment"]} == {"MedicalTherapy"}
    assert about["typicalTest"] == [
        {"@type": "MedicalTest", "name": "A blood test for uric acid"},
        {"@type": "MedicalTest", "name": "Fluid drawn from the joint"},
    ]
    # Complications are written as prose, with no list: nothing is guessed from it.
    assert "possibleComplication" not in about
    assert about["alternateName"] == ["Gouty arthritis"]


def test_every_stated_fact_is_an_item_of_a_list_in_the_section_of_its_kind(client, gout):
    html, document = _page(client, gout.get_absolute_url())
    about = _node(document, "MedicalWebPage")["about"]
    stated = 0
    for kind, (prop, _type, _label) in FACT_KINDS.items():
        items = _section_items(html, kind)
        for name in _names(about.get(prop, [])):
            assert any(item.startswith(name) for item in items), (prop, name, items)
            stated += 1
    assert stated == 12


def test_a_section_with_no_list_states_no_facts(client, editor, reviewer):
    condition = make_condition(
        editor,
        name="Chilblains",
        sections=[
            ("overview", "Chilblains are sore patches of skin that follow the cold."),
            ("symptoms", "Small, itchy, red patches appear on the toes a few hours after the cold."),
            ("causes", "They happen when skin that has been cold warms up too quickly."),
        ],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    _html, document = _page(client, condition.get_absolute_url())
    about = _node(document, "MedicalWebPage")["about"]
    assert about == {"@type": "MedicalCondition", "name": "Chilblains"}


def test_sections_are_parts_of_the_page_with_their_health_aspects(client, gout):
    _html, document = _page(client, gout.get_absolute_url())
    page = _node(document, "MedicalWebPage")
    url = "http://testserver/conditions/gout/"
    parts = {part["name"]: part for part in page["hasPart"]}
    assert list(parts) == [
        "Overview",
        "Symptoms",
        "Causes",
        "Risk factors",
        "Treatment",
        "Complications",
        "Diagnosis",
    ]
    assert parts["Symptoms"]["url"] == url + "#symptoms" and parts["Symptoms"]["cssSelector"] == "#symptoms"
    aspects = {name: part.get("hasHealthAspect") for name, part in parts.items()}
    assert aspects == {
        "Overview": "https://schema.org/OverviewHealthAspect",
        "Symptoms": "https://schema.org/SymptomsHealthAspect",
        "Causes": "https://schema.org/CausesHealthAspect",
        "Risk factors": "https://schema.org/RisksOrComplicationsHealthAspect",
        "Treatment": "https://schema.org/TreatmentsHealthAspect",
        "Complications": "https://schema.org/RisksOrComplicationsHealthAspect",
        "Diagnosis": None,  # schema.org has no aspect for it
    }


def test_publisher_licence_copyright_and_dates(client, gout):
    _html, document = _page(client, gout.get_absolute_url())
    page = _node(document, "MedicalWebPage")
    assert page["publisher"] == {
        "@type": "Organization",
        "name": "Northfield Health Library",
        "url": "http://testserver/",
    }
    assert page["copyrightHolder"] == {"@type": "Organization", "name": "Northfield Health Trust"}
    assert page["license"] == LICENSE
    publication = gout.live_publication
    assert page["datePublished"] == publication.went_live_at.isoformat()
    assert page["lastReviewed"] == publication.reviewed_on.isoformat()


def test_no_licence_is_stated_until_one_is_set(client, gout, settings):
    settings.MEDSITE_CONTENT_LICENSE = ""
    page = structured.condition_graph(
        gout,
        gout.live_publication,
        page_url="https://x.example/",
        home_url="https://x.example/",
        index_url="",
    )[0]
    assert "license" not in page and page["copyrightHolder"]["name"] == "Northfield Health Trust"


def test_first_published_is_the_date_of_the_first_version_not_the_latest(client, gout, editor, reviewer2):
    first = gout.live_publication
    write_condition(
        ConditionData(
            name="Gout",
            slug="gout",
            also_called=["Gouty arthritis"],
            sections=[SectionData(kind, body) for kind, body in GOUT_SECTIONS],
            short_answers=[ShortAnswerData("Can cutting down on alcohol help?", "Yes, it can.", "")],
            summary="A second edition.",
        ),
        by=editor,
        comment="Second edition",
    )
    workflow.submit(gout, by=editor)
    second = workflow.approve(gout, by=reviewer2, kind="clinical", attestation=list(workflow.CHECKLIST))
    assert second.went_live_at > first.went_live_at
    _html, document = _page(client, gout.get_absolute_url())
    page = _node(document, "MedicalWebPage")
    assert page["datePublished"] == first.went_live_at.isoformat()
    assert page["dateModified"] == second.went_live_at.isoformat()
    # The second reviewer, with their own credentials and specialty.
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Ravi Reviewer",
        "honorificSuffix": "MBBS",
        "knowsAbout": "Oncology",
    }


def test_reviewer_is_a_person_with_credentials_apart_from_the_name(client, gout):
    _html, document = _page(client, gout.get_absolute_url())
    assert _node(document, "MedicalWebPage")["reviewedBy"] == {
        "@type": "Person",
        "name": "Rita Reviewer",
        "honorificSuffix": "MD",
        "knowsAbout": "Gastroenterology",
    }


@pytest.mark.parametrize(
    ("stored", "person"),
    [
        ("Jane Doe, MD, FRCP", {"name": "Jane Doe", "honorificSuffix": "MD, FRCP"}),
        ("Amara Okafor, PhD", {"name": "Amara Okafor", "honorificSuffix": "PhD"}),
        ("Jane Doe", {"name": "Jane Doe"}),
        # A comma followed by something other than credentials: the name is kept whole.
        ("Doe, Jane", {"name": "Doe, Jane"}),
    ],
)
def test_credentials_are_read_off_the_reviewers_display_name(stored, person):
    assert structured.reviewer(stored) == {"@type": "Person", **person}


def test_a_copy_edit_names_the_earlier_reviewer_without_the_approvers_specialty(
    client, gout, editor, reviewer2
):
    write_condition(
        ConditionData(
            name="Gout",
            slug="gout",
            also_called=["Gouty arthritis"],
            sections=[SectionData(kind, body) for kind, body in GOUT_SECTIONS],
            summary="A typo mended.",
        ),
        by=editor,
        comment="Typo",
    )
    workflow.submit(gout, by=editor)
    workflow.approve(gout, by=reviewer2, kind="editorial", attestation=list(workflow.CHECKLIST))
    _html, document = _page(client, gout.get_absolute_url())
    assert _node(document, "MedicalWebPage")["reviewedBy"] == {
        "@type": "Person",
        "name": "Rita Reviewer",
        "honorificSuffix": "MD",
    }


def test_each_reference_is_cited_with_its_doi_and_pmid(client, gout):
    _html, document = _page(client, gout.get_absolute_url())
    citations = {work["name"]: work for work in _node(document, "MedicalWebPage")["citation"]}
    assert list(citations) == [
        "Acute gout in primary care",
        "Colchicine dosing revisited",
        "Living with gout",
    ]
    article = citations["Acute gout in primary care"]
    assert article["@type"] == "ScholarlyArticle"
    assert article["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.5555/fpr.2019.0412"},
        {"@type": "PropertyValue", "propertyID": "PMID", "value": "30999123"},
    ]
    assert article["sameAs"] == [
        "https://doi.org/10.5555/fpr.2019.0412",
        "https://pubmed.ncbi.nlm.nih.gov/30999123/",
    ]
    assert article["author"] == [
        {"@type": "Person", "name": "Hale PR"},
        {"@type": "Person", "name": "Ibarra S"},
    ]
    assert article["isPartOf"] == {"@type": "Periodical", "name": "Fam Pract Rev"}
    web = citations["Living with gout"]
    assert web["@type"] == "WebPage" and web["url"] == "https://gout-support.example.org/living-with-gout"
    assert web["author"] == [{"@type": "Organization", "name": "Gout Support Society"}]
    assert "identifier" not in web


def test_a_doi_with_brackets_and_a_hash_is_cited_at_a_working_address():
    ref = PublishedReference(
        number=1, key="k", kind="journal-article", html="", backlinks=(), url="",
        doi="10.1016/S0140-6736(21)00569-9#x", pmid="", authors=(), title="T", container_title="",
        edition="", publisher="", place="", year=2021, volume="", issue="", pages="", accessed_on=None,
    )  # fmt: skip
    assert structured.citation(ref)["sameAs"] == ["https://doi.org/10.1016/S0140-6736(21)00569-9%23x"]


def test_codes_given_are_stated_as_the_conditions_code(gout):
    code = {"@type": "MedicalCode", "codeValue": "M10.9", "codingSystem": "ICD-10-CM"}
    graph = structured.condition_graph(
        gout,
        gout.live_publication,
        page_url="https://x.example/conditions/gout/",
        home_url="https://x.example/",
        index_url="https://x.example/conditions/",
        codes=[code],
    )
    document = {"@context": "https://schema.org", "@graph": graph}
    assert graph[0]["about"]["code"] == [code]
    assert schema_vocabulary.errors(document) == []


# --- the short answer's own page ---------------------------------------------------------------


def _question_url(condition: Condition) -> str:
    answer = condition.live_publication.page.short_answers[0]
    return reverse("conditions:question", args=[condition.public_slug, answer.slug])


def test_short_answer_page_has_its_own_structured_data(client, gout):
    _html, document = _page(client, _question_url(gout))
    page = _node(document, "MedicalWebPage")
    url = "http://testserver/conditions/gout/questions/can-cutting-down-on-alcohol-help/"
    assert page["url"] == url and page["name"] == "Can cutting down on alcohol help?"
    assert page["mainEntity"] == {
        "@type": "Question",
        "name": "Can cutting down on alcohol help?",
        "acceptedAnswer": {"@type": "Answer", "text": "Yes: drinking less makes flares less likely."},
    }
    assert page["isPartOf"] == {"@id": "http://testserver/conditions/gout/"}
    # About the condition, but stating none of its facts: this page shows none of its sections.
    assert page["about"] == {
        "@type": "MedicalCondition",
        "name": "Gout",
        "alternateName": ["Gouty arthritis"],
    }
    assert page["lastReviewed"] == gout.live_publication.reviewed_on.isoformat()
    assert page["reviewedBy"]["name"] == "Rita Reviewer"
    assert page["license"] == LICENSE
    assert [work["name"] for work in page["citation"]] == ["Colchicine dosing revisited", "Living with gout"]
    crumbs = _node(document, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == [
        "Home",
        "Conditions A–Z",
        "Gout",
        "Can cutting down on alcohol help?",
    ]


def test_every_link_within_the_short_answer_page_has_its_target(client, gout):
    html = client.get(_question_url(gout)).content.decode()
    tree = lxml.html.fromstring(html)
    ids = set(tree.xpath("//@id"))
    targets = [href[1:] for href in tree.xpath("//a/@href") if href.startswith("#")]
    assert targets, "the answer cites its sources"
    assert [target for target in targets if target not in ids] == []


def test_short_answer_page_lists_the_references_it_cites_with_the_pages_numbers(client, gout):
    html = client.get(_question_url(gout)).content.decode()
    tree = lxml.html.fromstring(html)
    entries = tree.xpath('//section[@id="references"]//li')
    # Colchicine is reference 2 on the full page (the symptoms cite another first); the web
    # page, cited in the details, is 3. Numbered as the citations in the answer read.
    assert [(li.get("id"), li.get("value")) for li in entries] == [("ref-2", "2"), ("ref-3", "3")]
    assert "Colchicine dosing revisited" in entries[0].text_content()
    assert re.search(r'<a href="#ref-2" id="cite-2-\d+"', html)
    backlinks = tree.xpath('//section[@id="references"]//a[@class="backlink"]/@href')
    assert all(f'id="{href[1:]}"' in html for href in backlinks) and len(backlinks) == 2


def test_short_answer_without_citations_has_no_reference_list(client, editor, reviewer):
    condition = make_condition(
        editor, name="Hiccups", short_answers=[("Are hiccups harmful?", "Almost never.", "")]
    )
    publish(condition, editor=editor, reviewer=reviewer)
    html, document = _page(client, _question_url(condition))
    assert 'id="references"' not in html
    assert "citation" not in _node(document, "MedicalWebPage")


# --- the checker itself: it must be able to fail ------------------------------------------------


SYMPTOM = {"@type": "MedicalSignOrSymptom", "name": "Fever"}


@pytest.mark.parametrize(
    ("node", "complaint"),
    [
        ({"@type": "MedicalWebPage", "about": {"@type": "MedicalCondition", "causes": ["x"]}}, "causes"),
        ({"@type": "MedicalWebPage", "signOrSymptom": [SYMPTOM]}, "not a property of MedicalWebPage"),
        ({"@type": "MedicalWebPage", "reviewedBy": "Rita Reviewer, MD"}, "text 'Rita Reviewer, MD'"),
        ({"@type": "MedicalWebPage", "lastReviewed": "7 December 2026"}, "ISO 8601"),
        ({"@type": "HealthTopicContent", "hasHealthAspect": "https://schema.org/InStock"}, "InStock is not"),
        ({"@type": "MedicalCondition", "riskFactor": [{"@type": "MedicalCause"}]}, "MedicalRiskFactor"),
        ({"@type": "MedicalWebPageSection"}, "not a schema.org type"),
        ({"@type": "WebPage", "aspect": "Symptoms"}, "superseded"),
    ],
)
def test_the_vocabulary_check_finds_what_schema_org_does_not_allow(node, complaint):
    found = schema_vocabulary.errors({"@context": "https://schema.org", "@graph": [node]})
    assert any(complaint in error for error in found), found


def test_no_public_page_type_carries_json_ld_schema_org_does_not_allow(client, gout):
    slug = gout.public_slug
    urls = [
        reverse("home"),
        reverse("conditions:index"),
        gout.get_absolute_url(),
        _question_url(gout),
        reverse("conditions:history", args=[slug]),
        reverse("conditions:publication", args=[slug, 1]),
        reverse("conditions:search") + "?q=gout",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        documents = schema_vocabulary.json_ld(response.content.decode())
        assert schema_vocabulary.errors(documents) == [], url


# --- images ---------------------------------------------------------------------------------------


@pytest.fixture
def illustrated(editor, reviewer, settings):
    """A page with two figures (an openly licensed drawing first, then a photograph used with
    permission) and a third image in a short answer."""
    settings.MEDSITE_BASE_URL = "https://health.example.org"
    make_image(
        "bunion-sketch",
        width=1600,
        height=1000,
        alt="Outline of a foot with the big toe joint bulging outwards",
        caption="Where a bunion forms",
        credit="Jane Doe",
        licence="cc-by-sa-4.0",
        source_url="https://drawings.example.org/bunion",
        copyright_notice="© 2025 Jane Doe",
    )
    make_image(
        "bunion-photo",
        format="png",
        width=900,
        height=600,
        alt="Photograph of a red, swollen big toe joint",
        credit="Northfield Clinic",
        licence="all-rights-reserved",
        source_url="https://northfield.example.org/permissions/1234",
    )
    make_image("shoe-fit", alt="A wide shoe beside a narrow one", credit="", licence="cc0-1.0")
    condition = make_condition(
        editor,
        name="Bunion",
        sections=[
            ("overview", "A bunion is a bony bump at the base of the big toe.\n\n![](image:bunion-sketch)"),
            ("symptoms", '- A bump\n- Pain in shoes\n\n![](image:bunion-photo "A bunion in an adult")'),
        ],
        short_answers=[("Do wide shoes help?", "Yes, often.", "![](image:shoe-fit)")],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def _image_nodes(page: dict) -> dict[str, dict]:
    return {node["@id"].rsplit("#image-", 1)[1]: node for node in page["image"]}


def test_each_image_shown_is_an_image_object_with_its_licence_and_credit(client, illustrated):
    _html, document = _page(client, illustrated.get_absolute_url())
    page = _node(document, "MedicalWebPage")
    images = _image_nodes(page)
    assert list(images) == ["bunion-sketch", "bunion-photo", "shoe-fit"]
    sketch = images["bunion-sketch"]
    assert sketch["contentUrl"].startswith("https://health.example.org/media/images/")
    assert sketch["contentUrl"].endswith("/w1440.jpg")
    assert sketch["encodingFormat"] == "image/jpeg"
    assert sketch["width"] == {"@type": "QuantitativeValue", "value": 1440, "unitCode": "E37"}
    assert sketch["height"] == {"@type": "QuantitativeValue", "value": 900, "unitCode": "E37"}
    assert sketch["description"] == "Outline of a foot with the big toe joint bulging outwards"
    assert sketch["caption"] == "Where a bunion forms"
    assert sketch["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert sketch["acquireLicensePage"] == "https://drawings.example.org/bunion"
    assert sketch["creditText"] == "Jane Doe"
    assert sketch["creator"] == {"@type": "Person", "name": "Jane Doe"}
    assert sketch["copyrightNotice"] == "© 2025 Jane Doe"


def test_an_image_used_with_permission_is_licensed_by_its_source_page(client, illustrated):
    _html, document = _page(client, illustrated.get_absolute_url())
    photo = _image_nodes(_node(document, "MedicalWebPage"))["bunion-photo"]
    assert photo["license"] == "https://northfield.example.org/permissions/1234"
    assert photo["acquireLicensePage"] == "https://northfield.example.org/permissions/1234"
    assert photo["caption"] == "A bunion in an adult"  # the page's own caption
    assert photo["encodingFormat"] == "image/png" and photo["contentUrl"].endswith("/w900.png")
    assert photo["creator"] == {"@type": "Organization", "name": "Northfield Clinic"}
    assert "copyrightNotice" not in photo


def test_an_uncredited_image_names_no_creator(client, illustrated):
    _html, document = _page(client, illustrated.get_absolute_url())
    shoe = _image_nodes(_node(document, "MedicalWebPage"))["shoe-fit"]
    assert shoe["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert not {"creator", "creditText", "acquireLicensePage"} & set(shoe)


def test_the_first_image_shown_is_the_primary_image_of_the_page(client, illustrated):
    _html, document = _page(client, illustrated.get_absolute_url())
    page = _node(document, "MedicalWebPage")
    assert page["primaryImageOfPage"] == {
        "@id": "https://health.example.org/conditions/bunion/#image-bunion-sketch"
    }
    assert page["image"][0]["@id"] == page["primaryImageOfPage"]["@id"]


def test_the_image_objects_are_the_frozen_figures_the_page_shows(client, illustrated):
    html, document = _page(client, illustrated.get_absolute_url())
    figures = lxml.html.fromstring(html).cssselect("figure.figure img")
    shown = ["https://health.example.org" + img.get("src") for img in figures]
    assert [node["contentUrl"] for node in _node(document, "MedicalWebPage")["image"]] == shown


def test_a_page_without_images_states_none(client, gout):
    _html, document = _page(client, gout.get_absolute_url())
    page = _node(document, "MedicalWebPage")
    assert "image" not in page and "primaryImageOfPage" not in page


def test_a_short_answers_page_states_only_the_images_its_answer_shows(client, illustrated):
    _html, document = _page(client, _question_url(illustrated))
    page = _node(document, "MedicalWebPage")
    assert list(_image_nodes(page)) == ["shoe-fit"]
    assert page["primaryImageOfPage"]["@id"].endswith("#image-shoe-fit")


@pytest.mark.parametrize(
    ("credit", "kind"),
    [
        ("Jane Doe", "Person"),
        ("Amara N. Okafor", "Person"),
        ("Example Clinic", "Organization"),
        ("MedSite demo", "Organization"),
        ("Jane Doe / Example Clinic", "Organization"),
        ("wikimedia user foot123", "Organization"),
    ],
)
def test_a_credit_names_a_person_only_when_it_reads_as_a_name(credit, kind):
    assert structured._creator(credit) == {"@type": kind, "name": credit}
