"""A page's content as the reviewer reads it: the images its texts name are part of it."""

from __future__ import annotations

import reversion

from conditions import workflow
from conditions.models import Condition
from conditions.pagecontent import content_at, content_of, image_atom
from conditions.submissions import latest_submission
from tests.factories import make_condition, make_image


def _page(editor, body: str) -> Condition:
    return make_condition(editor, sections=[("overview", body)])


def test_the_images_a_page_names_are_part_of_its_content(editor):
    toe = make_image("gout-toe")
    make_image("unused")
    condition = _page(editor, "Gout.\n\n![](image:gout-toe)\n\n`![](image:in-code)` ![x](image:missing)")
    content = content_of(condition)
    assert list(content.images) == ["gout-toe"]
    assert content.images["gout-toe"].alt == toe.alt
    assert image_atom(toe.pk) in content.atoms()


def test_a_change_to_a_shown_image_changes_the_pages_hash_and_only_its(editor):
    toe = make_image("gout-toe")
    other = make_image("other")
    condition = _page(editor, "Gout.\n\n![](image:gout-toe)")
    before = content_of(condition).content_hash()
    other.alt = "Something else"
    other.save()
    assert content_of(condition).content_hash() == before
    toe.alt = "Another description"
    toe.save()
    assert content_of(condition).content_hash() != before


def test_a_page_without_images_hashes_as_it_did_before_images_existed(editor):
    condition = _page(editor, "Gout is a kind of arthritis.")
    content = content_of(condition)
    assert not content.images
    assert not any(name.startswith("image:") for name in content.atoms())


def test_the_submitted_revision_holds_the_image_as_it_was_submitted(editor):
    toe = make_image("gout-toe", alt="Before")
    condition = _page(editor, "Gout.\n\n![](image:gout-toe)")
    submitted_sha = toe.sha256
    workflow.submit(condition, by=editor)
    submission = latest_submission(condition)
    assert submission is not None and submission.revision is not None
    # Changed behind the review's back (the library refuses this; the row is written directly).
    with reversion.create_revision():
        toe.alt, toe.sha256 = "After", "ef" * 32
        toe.save()
    held = content_at(submission.revision, condition.pk)
    assert held is not None
    assert (held.images["gout-toe"].alt, held.images["gout-toe"].sha256) == ("Before", submitted_sha)
    assert held.content_hash() == submission.content_hash
    assert content_of(condition).images["gout-toe"].alt == "After"
