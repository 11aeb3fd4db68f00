from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import HttpRequest
from reversion.models import Version

from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import Condition, PublicationImage, Section, display_name, system_user
from conditions.rendering import render_condition
from tests.factories import make_condition, make_image, make_reference, publish

pytestmark = pytest.mark.django_db


def test_roles_are_made_by_migration_with_the_right_rights():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    reviewers = set(
        Group.objects.get(name="Medical reviewers").permissions.values_list("codename", flat=True)
    )
    assert {"change_condition", "add_section", "delete_section", "change_reference"} <= editors
    assert "review_condition" not in editors and "unpublish_condition" not in editors
    assert "delete_condition" not in editors
    assert {"review_condition", "unpublish_condition", "change_condition"} <= reviewers


def test_role_permissions_reach_users(editor, reviewer):
    assert editor.has_perm("conditions.change_condition")
    assert not editor.has_perm("conditions.review_condition")
    assert reviewer.has_perm("conditions.review_condition")


def test_section_heading_defaults_from_kind(editor):
    condition = make_condition(editor, sections=[("when_to_see_a_doctor", "Soon.")])
    assert condition.sections.get().display_heading == "When to see a doctor"
    assert str(Section(kind="other", heading="Outlook")) == "Outlook"


def test_synonyms_one_per_line():
    assert Condition(also_called="Carcinoid\n\n  Flushing syndrome \n").synonyms == [
        "Carcinoid",
        "Flushing syndrome",
    ]


def test_display_name_prefers_reviewer_credentials(reviewer, editor):
    assert display_name(reviewer) == "Rita Reviewer, MD"
    assert display_name(editor) == "Edna Editor"


def test_system_user_is_named_may_edit_and_cannot_log_in(client):
    user = system_user()
    assert user.username == "medsite-system"
    assert not user.has_usable_password()
    assert user.has_perm("conditions.change_condition")
    assert not user.has_perm("conditions.review_condition")
    assert not client.login(request=HttpRequest(), username="medsite-system", password="")
    assert system_user() == user
    assert User.objects.filter(username="medsite-system").count() == 1


def test_condition_with_publications_cannot_be_deleted(editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    with pytest.raises(ProtectedError):
        condition.delete()


def test_revision_follows_sections_answers_and_references(editor):
    make_reference("a2020")
    condition = make_condition(
        editor,
        short_answers=[("Is it common?", "No.", "")],
        reference_keys=["a2020"],
        sections=[("overview", "x")],
    )
    revision = Version.objects.get_for_object(condition).get().revision
    models = sorted(v.content_type.model for v in revision.version_set.all())
    assert models == ["condition", "conditionreference", "section", "shortanswer"]


def test_write_condition_is_idempotent(editor):
    data = ConditionData(
        name="Gout",
        summary="Joint pain from crystals.",
        sections=[SectionData("overview", "About gout.")],
        short_answers=[ShortAnswerData("Is it hereditary?", "Partly.")],
    )
    condition, changed = write_condition(data, by=editor, comment="first")
    assert changed
    again, changed = write_condition(data, by=editor, comment="second")
    assert again == condition and not changed
    assert Version.objects.get_for_object(condition).count() == 1
    assert condition.review_events.count() == 1


def test_write_condition_merges_short_answers_by_question(editor):
    data = ConditionData(name="Gout", short_answers=[ShortAnswerData("Is it hereditary?", "Partly.")])
    condition, _ = write_condition(data, by=editor, comment="x")
    write_condition(
        ConditionData(name="Gout", short_answers=[ShortAnswerData("Does diet matter?", "Somewhat.")]),
        by=editor,
        comment="y",
    )
    write_condition(
        ConditionData(name="Gout", short_answers=[ShortAnswerData("is it HEREDITARY?", "In part.")]),
        by=editor,
        comment="z",
    )
    answers = [(a.question, a.answer) for a in condition.short_answers.all()]
    assert answers == [("is it HEREDITARY?", "In part."), ("Does diet matter?", "Somewhat.")]


def test_write_condition_rejects_unknown_reference_keys(editor):
    from references.models import Reference

    with pytest.raises(Reference.DoesNotExist, match="nokey"):
        write_condition(ConditionData(name="Gout", reference_keys=["nokey"]), by=editor, comment="x")
    assert not Condition.objects.exists()


def test_structured_data_describes_the_page(editor):
    make_reference("smith2020", title="Flushing in practice", url="https://example.org/a", doi="")
    condition = make_condition(
        editor,
        sections=[("overview", "Text [@smith2020].")],
        short_answers=[("Q?", "A.", "D.")],
        also_called=["Other name"],
    )
    page = render_condition(condition)
    data = page.structured_data
    assert data["also_called"] == ["Other name"]
    assert [s["kind"] for s in data["sections"]] == ["overview"]
    assert data["sections"][0]["markdown"] == "Text [@smith2020]."
    assert data["references"][0]["key"] == "smith2020" and data["references"][0]["number"] == 1
    assert "Flushing in practice" in data["references"][0]["text"]
    assert data["short_answers"][0]["question"] == "Q?"
    assert page.unknown_keys == []


def test_duplicate_headings_get_unique_anchors(editor):
    condition = make_condition(editor, sections=[("overview", "a"), ("other", "b"), ("other", "c")])
    html = render_condition(condition).html
    assert 'id="overview"' in html and 'id="other"' in html and 'id="other-2"' in html


# --- one line of text -----------------------------------------------------------------------

# Every single-line text field people or imports fill in; "key" is a slug, refused already.
SINGLE_LINE_FIELDS = [
    ("conditions.Condition", "name"),
    ("conditions.Section", "heading"),
    ("conditions.ShortAnswer", "question"),
    ("conditions.ReviewerProfile", "display_name"),
    ("conditions.ReviewerProfile", "specialty"),
    ("conditions.Publication", "title"),
    ("conditions.Publication", "reviewed_by_name"),
    *(
        ("references.Reference", name)
        for name in ("title", "container_title", "edition", "publisher", "place", "volume", "issue", "pages")
    ),
    ("references.Reference", "url"),
]
# Lists kept one item a line.
LINE_LIST_FIELDS = [
    ("conditions.Condition", "also_called"),
    ("conditions.Publication", "also_called"),
    ("references.Reference", "authors"),
]


def _field(label: str, name: str):
    return apps.get_model(label)._meta.get_field(name)


@pytest.mark.parametrize(("label", "name"), SINGLE_LINE_FIELDS)
@pytest.mark.parametrize("control", ["\r\n", "\t", "\x1b", "\u2028"])
def test_single_line_fields_refuse_control_characters(label, name, control):
    value = f"https://example.org/a{control}b" if name == "url" else f"Gout{control}Bcc: x@example.org"
    with pytest.raises(ValidationError, match="on one line"):
        _field(label, name).clean(value, None)


@pytest.mark.parametrize(("label", "name"), LINE_LIST_FIELDS)
def test_one_item_a_line_fields_keep_line_breaks_and_refuse_other_controls(label, name):
    field = _field(label, name)
    assert field.clean("Podagra\r\nGouty arthritis", None) == "Podagra\r\nGouty arthritis"
    with pytest.raises(ValidationError, match="one item on each line"):
        field.clean("Podagra\nGouty\tarthritis", None)


def test_write_condition_refuses_what_the_admin_refuses_and_writes_nothing(editor):
    data = ConditionData(
        name="Gout\r\nBcc: victim@example.org",
        sections=[SectionData("overview", "About gout.", heading="Over\tview")],
        short_answers=[ShortAnswerData("Is it\u2028hereditary?", "Partly.")],
    )
    with pytest.raises(ValidationError) as caught:
        write_condition(data, by=editor, comment="x")
    errors = caught.value.message_dict
    assert "U+000D (carriage return)" in " ".join(errors["name"])
    assert "U+0009 (tab)" in " ".join(errors["section 1 heading"])
    assert "U+2028" in " ".join(errors["short answer 1 question"])
    assert not Condition.objects.exists()


# --- the images a publication shows ------------------------------------------------------------

LINK_IMAGES = importlib.import_module("conditions.migrations.0014_publication_images")


def test_an_image_a_publication_shows_cannot_be_deleted_under_it(editor, reviewer):
    image = make_image("swollen-toe")
    condition = make_condition(editor, sections=[("overview", "Swelling.\n\n![](image:swollen-toe)")])
    publish(condition, editor=editor, reviewer=reviewer)
    with pytest.raises(ProtectedError):
        image.delete()


def test_the_migration_links_versions_approved_before_links_existed(editor, reviewer):
    first, second = make_image("swollen-toe"), make_image("toe-x-ray")
    condition = make_condition(
        editor, sections=[("overview", "Swelling.\n\n![](image:toe-x-ray)\n\n![](image:swollen-toe)")]
    )
    publication = publish(condition, editor=editor, reviewer=reviewer)
    PublicationImage.objects.all().delete()
    LINK_IMAGES.link_published_images(apps, None)
    links = PublicationImage.objects.filter(publication=publication)
    assert [(link.image, link.position) for link in links] == [(second, 1), (first, 2)]
