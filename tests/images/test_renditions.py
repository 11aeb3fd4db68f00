"""The names of an image's file and renditions, and writing the missing ones (make_renditions)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from images import library, renditions
from images.library import add_image

from .conftest import png, stored_files

SHA = "ab" + "0" * 62


def test_names_are_content_addressed():
    assert renditions.original_name(SHA, "jpeg") == f"images/ab/{SHA}/original.jpg"
    assert renditions.rendition_name(SHA, 640, "webp") == f"images/ab/{SHA}/w640.webp"
    assert renditions.og_name(SHA, 0.25, 0.7) == f"images/ab/{SHA}/og-25-70.jpg"


def test_widths_never_exceed_the_image():
    assert renditions.widths_for(2000) == [320, 480, 640, 960, 1440]
    assert renditions.widths_for(700) == [320, 480, 640, 700]
    assert renditions.widths_for(200) == [200]


def test_every_width_in_webp_then_the_images_own_format():
    names = [(r.format, r.width, r.height) for r in renditions.renditions(SHA, "png", 700, 350)]
    assert names == [
        ("webp", 320, 160),
        ("webp", 480, 240),
        ("webp", 640, 320),
        ("webp", 700, 350),
        ("png", 320, 160),
        ("png", 480, 240),
        ("png", 640, 320),
        ("png", 700, 350),
    ]


@pytest.mark.django_db
def test_make_renditions_writes_only_what_is_missing(editor, media_root):
    image = add_image(png((700, 500)), title="Elbow", alt="An elbow", by=editor)
    gone = [renditions.rendition_name(image.sha256, 480, "webp"), renditions.og_name(image.sha256, 0.5, 0.5)]
    for name in gone:
        default_storage.delete(name)
    out = _run()
    assert out == "2 renditions written.\n"
    assert stored_files(media_root) == sorted(library.stored_names(image))
    assert _run() == "0 renditions written.\n"


@pytest.mark.django_db
def test_make_renditions_says_which_files_are_missing(editor, media_root):
    image = add_image(png((300, 200)), title="Wrist", alt="A wrist", by=editor)
    for name in library.stored_names(image):
        default_storage.delete(name)
    with pytest.raises(CommandError, match="missing, so their renditions could not be made: wrist"):
        _run()
    with pytest.raises(CommandError, match="No image with the key knee"):
        _run("knee")


def _run(*args: str) -> str:
    out = StringIO()
    call_command("make_renditions", *args, stdout=out)
    return out.getvalue()
