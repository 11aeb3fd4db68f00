from __future__ import annotations

import pytest

from conditions import workflow
from conditions.checks import publish_problems
from conditions.models import Status
from conditions.workflow import WorkflowError
from tests.factories import make_condition, make_image

pytestmark = pytest.mark.django_db


def _page(editor, overview: str, **options):
    return make_condition(editor, sections=[("overview", overview)], **options)


def _image_problems(condition) -> list[str]:
    return [problem for problem in publish_problems(condition) if "image" in problem]


def test_a_described_licensed_library_image_passes(editor):
    make_image("swollen-toe", alt="A red, swollen big toe", licence="cc-by-4.0")
    assert publish_problems(_page(editor, "Swelling.\n\n![](image:swollen-toe)")) == []


def test_a_key_the_library_does_not_hold_is_refused(editor):
    condition = _page(editor, "Swelling.\n\n![A toe](image:swolen-toe)")
    assert _image_problems(condition) == [
        "No image has the key “swolen-toe” in the image library: upload it there, or correct the key "
        "in ![…](image:swolen-toe)."
    ]
    with pytest.raises(WorkflowError, match="No image has the key “swolen-toe”"):
        workflow.submit(condition, by=editor)
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT


def test_an_image_in_running_text_is_refused(editor):
    make_image("swollen-toe")
    condition = _page(editor, "The toe swells ![](image:swollen-toe) overnight.")
    assert _image_problems(condition) == [
        "The image “swollen-toe” stands inside running text: "
        "put ![…](image:swollen-toe) on a line of its own."
    ]


def test_an_image_from_another_address_is_refused(editor):
    condition = _page(editor, "Swelling.\n\n![A toe](https://pictures.example/toe.jpg)")
    assert _image_problems(condition) == [
        "The image “https://pictures.example/toe.jpg” is not from the image library: upload it to the "
        "library and insert it from there, so it is described, credited, licensed and reviewed."
    ]


def test_an_image_in_a_short_answer_is_checked_too(editor):
    condition = make_condition(
        editor, short_answers=[("What does it look like?", "Red.", "![](http://pictures.example/a.png)")]
    )
    assert len(_image_problems(condition)) == 1


def test_an_image_without_alt_text_or_decision_is_refused(editor):
    make_image("swollen-toe", alt="")
    condition = _page(editor, "Swelling.\n\n![](image:swollen-toe)")
    assert _image_problems(condition) == [
        "The image “swollen-toe” has no alt text: describe what it shows in the image library (or on the "
        "page: ![what it shows](image:swollen-toe)), or mark it decorative there if it adds nothing "
        "to the text."
    ]


def test_alt_text_written_on_the_page_or_a_decorative_image_passes(editor):
    make_image("swollen-toe", alt="")
    make_image("border-pattern", alt="", decorative=True)
    condition = _page(
        editor, "Swelling.\n\n![A red, swollen big toe](image:swollen-toe)\n\n![](image:border-pattern)"
    )
    assert _image_problems(condition) == []


def test_one_use_without_alt_text_is_enough_to_refuse(editor):
    make_image("swollen-toe", alt="")
    condition = _page(editor, "![A red toe](image:swollen-toe)\n\nLater.\n\n![](image:swollen-toe)")
    assert [p for p in _image_problems(condition) if "no alt text" in p]


def test_an_image_without_a_licence_is_refused(editor, reviewer):
    make_image("swollen-toe", licence="")
    condition = _page(editor, "Swelling.\n\n![](image:swollen-toe)")
    assert _image_problems(condition) == [
        "The image “swollen-toe” has no licence: choose its licence in the image library."
    ]


def test_all_rights_reserved_needs_the_source_of_the_permission(editor):
    image = make_image("swollen-toe", licence="all-rights-reserved")
    condition = _page(editor, "Swelling.\n\n![](image:swollen-toe)")
    assert _image_problems(condition) == [
        "The image “swollen-toe” is “all rights reserved” with no source URL: add, in the image library, "
        "the address of the permission to use it (the agreement or the owner's page)."
    ]
    image.source_url = "https://clinic.example/permissions/2026-14"
    image.save()
    assert _image_problems(condition) == []


def test_text_that_only_mentions_an_image_key_is_not_an_image(editor):
    condition = _page(editor, "Insert pictures as `![](image:key)`: see image:swollen-toe.")
    assert _image_problems(condition) == []
