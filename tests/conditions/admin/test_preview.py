"""The editor's live preview endpoints (conditions/admin/preview.py)."""

from __future__ import annotations

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import schema_vocabulary
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db


class TestEditorEndpoints:
    url = "/editor/markdownify/"

    def test_anonymous_never_gets_a_render(self, client):
        response = client.post(self.url, {"content": "**bold**"})
        assert response.status_code == 302
        assert "<strong>" not in response.content.decode()

    def test_user_without_role_is_refused(self, client, stranger):
        client.force_login(stranger)
        assert client.post(self.url, {"content": "**bold**"}).status_code == 403

    def test_editor_gets_numbered_preview_with_unknown_keys_flagged(self, client, editor):
        make_reference("smith2020")
        client.force_login(editor)
        response = client.post(self.url, {"content": "A [@smith2020] B [@nope] <script>x</script>"})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'href="#ref-1"' in html
        assert 'class="citation-unknown"' in html
        assert "<script>" not in html

    def test_get_is_not_allowed(self, client, editor):
        client.force_login(editor)
        assert client.get(self.url).status_code == 405

    def test_csrf_is_enforced(self, editor):
        from django.test import Client

        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(editor)
        assert csrf_client.post(self.url, {"content": "x"}).status_code == 403

    def test_uploads_are_refused(self, client, editor):
        assert client.post("/editor/upload/").status_code == 302
        client.force_login(editor)
        response = client.post("/editor/upload/")
        assert response.status_code == 400
        assert "“Insert image”" in response.json()["image"][0]

    def test_an_uploaded_image_is_refused_and_never_stored(self, client, editor, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(editor)
        image = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
        response = client.post("/editor/upload/", {"image": image})
        assert response.status_code == 400
        assert "image_code" not in response.json()
        assert list(tmp_path.iterdir()) == []

    def test_markdownx_own_upload_address_is_not_served(self, client, editor):
        client.force_login(editor)
        assert client.post("/markdownx/upload/").status_code == 404


# --- "What search engines will read": the facts panel the page-wide preview fills ---------------

GOUT_CAUSES = (
    "Gout happens when uric acid forms crystals in a joint.\n\n"
    "Causes include:\n\n- Kidneys that clear too little uric acid\n- Some water tablets\n\n"
    "Flares can be set off by:\n\n- Drinking alcohol\n- A knock to the joint\n"
)


def _page_preview(client, sections, **extra):
    fields = [f"sections-{n}-body" for n in range(len(sections))]
    data = {
        "field": fields,
        "text": [body for _kind, _heading, body in sections],
        "kind": [kind for kind, _heading, _body in sections],
        "heading": [heading for _kind, heading, _body in sections],
        "name": "Gout",
        "also_called": "Gouty arthritis",
        **extra,
    }
    response = client.post(reverse("editor-page-preview"), data)
    assert response.status_code == 200
    return response.json()


def _panel(html: str) -> dict[str, list[str]]:
    """The panel as a reader sees it: each kind's label and the items listed under it."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return {
        " ".join(dt.text_content().split()): [li.text_content() for li in dt.getnext().iter("li")]
        for dt in tree.iter("dt")
    }


def test_preview_shows_the_facts_the_page_will_state_and_the_lists_it_leaves_out(client, editor):
    client.force_login(editor)
    answer = _page_preview(
        client,
        [
            ("overview", "", "Gout is a kind of arthritis."),
            ("symptoms", "", "Symptoms include:\n\n- **Sudden joint pain.** Often at night.\n- Swelling"),
            ("causes", "", GOUT_CAUSES),
            ("complications", "", "Crystals can wear a joint down over the years."),
        ],
    )
    assert _panel(answer["facts"]) == {
        "Symptoms signOrSymptom": ["Sudden joint pain", "Swelling"],
        "Causes cause": ["Kidneys that clear too little uric acid", "Some water tablets"],
        "Complications possibleComplication": [],
    }
    assert (
        "Left out: the list after “Flares can be set off by:” (Drinking alcohol, A knock to the joint)"
        in (answer["facts"])
    )
    assert "None stated: no list in this section is introduced as complications." in answer["facts"]


def test_a_section_headed_as_something_else_is_not_read_and_the_panel_says_so(client, editor):
    client.force_login(editor)
    answer = _page_preview(client, [("causes", "Flare triggers", "- Alcohol\n- Dehydration")])
    assert _panel(answer["facts"]) == {"Causes cause": []}
    assert "right under a heading that names something else (Alcohol, Dehydration)" in answer["facts"]


def test_the_preview_states_exactly_what_the_published_pages_structured_data_states(client, editor, reviewer):
    sections = [
        ("overview", "Gout is a kind of arthritis."),
        ("symptoms", "- Sudden joint pain\n- Swelling"),
        ("causes", GOUT_CAUSES),
        ("treatment", "Treatment aims to ease pain.\n\nTreatments include:\n\n- Colchicine\n- Rest"),
    ]
    condition = make_condition(editor, name="Gout", also_called=["Gouty arthritis"], sections=sections)
    client.force_login(editor)
    shown = _panel(_page_preview(client, [(kind, "", body) for kind, body in sections])["facts"])
    publish(condition, editor=editor, reviewer=reviewer)
    client.logout()
    page = client.get(condition.get_absolute_url()).content.decode()
    (document,) = schema_vocabulary.json_ld(page)
    about = schema_vocabulary.nodes(document)[0]["about"]
    stated = {
        f"{label} {prop}": [item["name"] for item in about.get(prop, [])]
        for label, prop in [
            ("Symptoms", "signOrSymptom"),
            ("Causes", "cause"),
            ("Treatments", "possibleTreatment"),
        ]
    }
    assert stated == shown
    assert stated["Treatments possibleTreatment"] == ["Colchicine", "Rest"]


def test_without_the_sections_kinds_the_preview_answers_no_panel(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("editor-page-preview"), {"field": ["sections-0-body"], "text": ["- Fever"]}
    )
    assert response.status_code == 200 and "facts" not in response.json()
    mismatched = {
        "field": ["sections-0-body"],
        "text": ["- Fever"],
        "kind": ["symptoms", "causes"],
        "heading": [""],
    }
    assert "facts" not in client.post(reverse("editor-page-preview"), mismatched).json()


def test_an_unknown_kind_states_nothing(client, editor):
    client.force_login(editor)
    answer = _page_preview(client, [("<script>", "", "Symptoms include:\n\n- Fever")])
    assert "<script>" not in answer["facts"] and _panel(answer["facts"]) == {}


def test_the_edit_page_has_the_panel(client, editor):
    condition = make_condition(editor, name="Gout")
    client.force_login(editor)
    page = client.get(reverse("admin:conditions_condition_change", args=[condition.pk])).content.decode()
    assert 'id="medsite-search-facts"' in page and "What search engines will read" in page
