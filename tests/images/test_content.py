"""What a page shows of an image, as the reviewer approves it."""

from __future__ import annotations

from images.content import IMAGE_FIELDS, ImageContent
from tests.factories import make_image


def test_read_from_a_row_or_from_stored_fields_alike(db):
    image = make_image("eczema-arm", caption="Dry, red patches in the elbow's crease.")
    stored = {name: getattr(image, name) for name in IMAGE_FIELDS} | {"title": "ignored", "updated_at": "x"}
    assert ImageContent.from_fields(image.pk, stored) == ImageContent.of(image)


def test_every_shown_field_is_part_of_the_value():
    base = ImageContent(1, "k", "ab" * 32, "png", 10, 10, alt="A")
    changed = [
        ImageContent(1, "k", "cd" * 32, "png", 10, 10, alt="A"),  # a new file
        ImageContent(1, "k", "ab" * 32, "png", 10, 10, alt="B"),
        ImageContent(1, "k", "ab" * 32, "png", 10, 10, alt="A", caption="c"),
        ImageContent(1, "k", "ab" * 32, "png", 10, 10, alt="A", credit="c"),
        ImageContent(1, "k", "ab" * 32, "png", 10, 10, alt="A", licence="cc0-1.0"),
        ImageContent(1, "k", "ab" * 32, "png", 10, 10, alt="A", focal_x=0.2),
    ]
    assert all(other.value() != base.value() for other in changed)


def test_alt_text_of_one_use():
    image = ImageContent(1, "k", "ab" * 32, "png", 10, 10, alt="  Library words  ")
    assert image.alt_for("") == "Library words" and image.alt_for(" Page words ") == "Page words"
    assert image.described_for("")
    undescribed = ImageContent(1, "k", "ab" * 32, "png", 10, 10)
    assert not undescribed.described_for("") and undescribed.described_for("Page words")
    decorative = ImageContent(1, "k", "ab" * 32, "png", 10, 10, decorative=True)
    assert decorative.alt_for("") == "" and decorative.described_for("")
    assert (decorative.licence_name, decorative.licence_url) == ("", "")
