from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conditions import imageuse, workflow
from conditions.content import ConditionData, SectionData, write_condition
from conditions.models import Publication, PublicationImage
from images import usage
from tests.factories import CHECKED, make_condition, make_image, publish

pytestmark = pytest.mark.django_db

FIGURE = "![](image:{key})"


def _write(condition, by, *, body: str) -> None:
    """An edit of the page's one section, saved as every form saves it."""
    data = ConditionData(name=condition.name, slug=condition.slug, sections=[SectionData("overview", body)])
    write_condition(data, by=by, comment="Edited")


def _showing(editor, key: str, name: str = "Gout", **options):
    return make_condition(
        editor,
        name=name,
        sections=[("overview", f"The joint swells.\n\n{FIGURE.format(key=key)}")],
        **options,
    )


def test_the_library_asks_the_conditions_app(editor):
    image = make_image("swollen-toe")
    _showing(editor, "swollen-toe")
    assert [use.label for use in usage.usage(image).uses] == ["Gout (working copy, draft)"]
    assert usage.refusal_delete(image) is not None


def test_a_page_in_review_freezes_the_images_it_shows(editor):
    image = make_image("swollen-toe")
    condition = _showing(editor, "swollen-toe")
    assert imageuse.PROVIDER.refusal_change(image) is None  # a draft may see its images change
    workflow.submit(condition, by=editor)
    refusal = imageuse.PROVIDER.refusal_change(image)
    assert refusal == (
        "The image “swollen-toe” is shown by pages in expert review (“Gout”), so it cannot change "
        "until their review is decided: ask for them to be withdrawn from review, or wait for the decision."
    )
    workflow.withdraw(condition, by=editor)
    assert imageuse.PROVIDER.refusal_change(image) is None


def test_a_key_merely_written_as_text_is_no_use(editor):
    """ "image:swollen-toe" in a code span, or a longer key, is not the image: the parser decides."""
    image = make_image("swollen-toe")
    make_image("swollen-toe-2")
    condition = make_condition(
        editor,
        sections=[
            ("overview", "Write `![](image:swollen-toe)` to insert it.\n\n![](image:swollen-toe-2)"),
        ],
    )
    workflow.submit(condition, by=editor)
    assert imageuse.PROVIDER.refusal_change(image) is None
    assert imageuse.PROVIDER.where_used(image) == []
    assert imageuse.PROVIDER.refusal_delete(image) is None


def test_an_image_in_a_short_answer_counts(editor):
    image = make_image("inhaler-steps")
    make_condition(
        editor,
        name="Asthma",
        short_answers=[("How do I use an inhaler?", "Like this.", f"{FIGURE.format(key='inhaler-steps')}")],
    )
    assert imageuse.PROVIDER.refusal_delete(image) == (
        "The image “inhaler-steps” is used by “Asthma”: remove it from that page first."
    )


def test_where_used_lists_working_copies_and_the_versions_that_showed_it(editor, reviewer):
    image = make_image("swollen-toe")
    condition = _showing(editor, "swollen-toe")
    publish(condition, editor=editor, reviewer=reviewer)
    _write(condition, editor, body="The joint swells. No picture now.")
    publish(condition, editor=editor, reviewer=reviewer)
    uses = imageuse.PROVIDER.where_used(image)
    assert [(use.label, use.published) for use in uses] == [("Gout, version 1 (in the public archive)", True)]
    assert uses[0].url == f"/admin/conditions/condition/{condition.pk}/history/"

    workflow.retract(condition, by=reviewer, numbers=[1], reason="A wrong picture.")
    [use] = imageuse.PROVIDER.where_used(image)
    assert (use.label, use.published) == ("Gout, version 1 (withdrawn)", False)


def test_a_live_page_is_a_published_use(editor, reviewer):
    image = make_image("swollen-toe")
    condition = _showing(editor, "swollen-toe")
    publish(condition, editor=editor, reviewer=reviewer)
    uses = usage.usage(image)
    assert [(use.label, use.published) for use in uses.uses] == [
        ("Gout (working copy, published)", False),
        ("Gout, version 1 (live)", True),
    ]
    assert uses.uses[0].url == f"/admin/conditions/condition/{condition.pk}/change/"
    assert uses.published


def test_an_image_a_published_version_shows_is_not_deleted(editor, reviewer):
    image = make_image("swollen-toe")
    condition = _showing(editor, "swollen-toe")
    publish(condition, editor=editor, reviewer=reviewer)
    _write(condition, editor, body="The joint swells.")  # the working copy no longer shows it
    assert imageuse.PROVIDER.refusal_delete(image) == (
        "The image “swollen-toe” is shown by approved versions (“Gout, version 1 (live)”). "
        "What was approved keeps its images, so it cannot be deleted."
    )


def test_a_scheduled_version_keeps_its_image(editor, reviewer):
    image = make_image("swollen-toe")
    condition = _showing(editor, "swollen-toe")
    workflow.submit(condition, by=editor)
    workflow.approve(
        condition, by=reviewer, attestation=CHECKED, go_live_at=timezone.now() + timedelta(days=2)
    )
    [use] = imageuse.PROVIDER.where_used(image)[1:]
    assert (use.label, use.published) == ("Gout, version 1 (scheduled)", False)


def test_an_unused_image_may_change_and_be_deleted(editor):
    image = make_image("spare-drawing")
    _showing(editor, "another-drawing")
    assert imageuse.PROVIDER.where_used(image) == []
    assert imageuse.PROVIDER.refusal_change(image) is None
    assert imageuse.PROVIDER.refusal_delete(image) is None


def test_a_refusal_names_ten_pages_then_counts_the_rest(editor):
    image = make_image("swollen-toe")
    for n in range(12):
        _showing(editor, "swollen-toe", name=f"Page {n:02}")
    refusal = imageuse.PROVIDER.refusal_delete(image) or ""
    assert "“Page 09” and 2 more: remove it from those pages first." in refusal
    assert "Page 10" not in refusal


def test_approval_links_each_image_the_version_shows_in_order(editor, reviewer):
    first, second = make_image("swollen-toe"), make_image("toe-x-ray")
    make_image("unused-drawing")
    condition = make_condition(
        editor,
        sections=[
            (
                "overview",
                "Swelling.\n\n![](image:toe-x-ray)\n\n![](image:swollen-toe)\n\n![](image:toe-x-ray)",
            )
        ],
    )
    publication = publish(condition, editor=editor, reviewer=reviewer)
    links = PublicationImage.objects.filter(publication=publication)
    assert [(link.image, link.position) for link in links] == [(second, 1), (first, 2)]


def test_links_are_made_again_from_the_frozen_pages(editor, reviewer):
    """A version restored without its links (a backup leaves them out) is linked again by key."""
    image = make_image("swollen-toe")
    publication = publish(_showing(editor, "swollen-toe"), editor=editor, reviewer=reviewer)
    PublicationImage.objects.all().delete()
    assert imageuse.link_published() == 1
    assert imageuse.link_published() == 0  # already linked
    assert list(Publication.objects.filter(image_links__image=image)) == [publication]
