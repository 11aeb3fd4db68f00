from __future__ import annotations

import pytest
import reversion
from reversion.models import Version

from conditions.compare import (
    CHANGED,
    compare,
    snapshot_from_publication,
    snapshot_from_working_copy,
    snapshots_from_versions,
)
from conditions.content import ConditionData, SectionData, write_condition
from images import renditions
from tests.factories import make_condition, make_image, publish

pytestmark = pytest.mark.django_db

BODY = "The joint swells.\n\n![A red, swollen big toe](image:swollen-toe)"


def _thumbnail(sha256: str) -> str:
    return renditions.url(renditions.rendition_name(sha256, 320, renditions.WEBP))


def _replace_file(image, *, by, sha256: str) -> None:
    """A new file for the image, saved with its history as images.library.replace_file saves it."""
    with reversion.create_revision():
        reversion.set_user(by)
        image.sha256, image.width, image.height = sha256, 1200, 900
        image.file = f"images/{sha256[:2]}/{sha256}/original.jpg"
        image.save()


def test_a_snapshot_shows_each_image_as_the_page_gives_it(editor):
    make_image("swollen-toe", alt="Library alt text", caption="Early gout", credit="Example Clinic")
    condition = make_condition(editor, sections=[("overview", BODY)])
    [image] = snapshot_from_working_copy(condition).images
    assert (image.key, image.alt, image.caption, image.credit, image.licence) == (
        "swollen-toe",
        "A red, swollen big toe",  # the page's own alt text wins
        "Early gout",
        "Example Clinic",
        "CC BY 4.0",
    )
    assert (image.width, image.height) == (1440, 1080)  # the largest rendition the page shows
    assert image.thumbnail == _thumbnail(image.file)


def test_a_publication_and_the_working_copy_it_came_from_show_the_same_images(editor, reviewer):
    make_image("swollen-toe")
    condition = make_condition(editor, sections=[("overview", BODY)])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    published, working = snapshot_from_publication(publication), snapshot_from_working_copy(condition)
    assert published.images == working.images
    assert not compare(published, working).has_changes


def test_each_version_shows_the_file_it_held(editor, reviewer):
    """A file replaced after the page was approved: the approved version keeps the old one."""
    image = make_image("swollen-toe")
    old_file = image.sha256
    condition = make_condition(editor, sections=[("overview", BODY)])
    publish(condition, editor=editor, reviewer=reviewer)
    _replace_file(image, by=editor, sha256="c" * 64)
    write_condition(
        ConditionData(name=condition.name, sections=[SectionData("overview", BODY + "\n\nIce helps.")]),
        by=editor,
        comment="Edited",
    )
    submitted = condition.review_events.get(action="submit").revision_id
    versions = Version.objects.get_for_object(condition).select_related("revision__user")
    old, new = snapshots_from_versions([versions.get(revision_id=submitted), versions.first()])
    assert old.images[0].thumbnail == _thumbnail(old_file)
    assert new.images[0].thumbnail == _thumbnail("c" * 64)
    [change] = compare(old, new).images
    assert change.status == CHANGED and change.file_replaced and change.changed_fields == ["File"]


def test_a_version_without_images_reads_none(editor, django_assert_num_queries):
    condition = make_condition(editor)
    versions = list(Version.objects.get_for_object(condition).select_related("revision__user"))
    snapshots_from_versions(versions)  # content types are cached per process, however tests run
    with django_assert_num_queries(1):  # the versions of the revision (no reference or image to read)
        [snapshot] = snapshots_from_versions(versions)
    assert snapshot.images == []
