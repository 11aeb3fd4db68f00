"""Putting images into the library, giving one a new file, taking one out: what is stored, what
is refused, and that a refusal stores nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from reversion.models import Version

from images import library, renditions, usage
from images.library import add_image, delete_image, replace_file, write_files
from images.models import Image
from images.processing import ImageRefused, read_image

from .conftest import HOSTILE, jpeg, png, stored_files

pytestmark = pytest.mark.django_db


@dataclass
class Pages:
    """A stand-in for the app that shows images: says no when told to."""

    change: str | None = None
    delete: str | None = None
    asked: list[str] = field(default_factory=list)

    def where_used(self, image):
        return []

    def refusal_change(self, image):
        self.asked.append(f"change {image.key}")
        return self.change

    def refusal_delete(self, image):
        self.asked.append(f"delete {image.key}")
        return self.delete


@pytest.fixture
def pages():
    provider = Pages()
    usage._providers.insert(0, provider)
    yield provider
    usage._providers.remove(provider)


def _knee(editor, **fields) -> Image:
    values = {"title": "Knee, front view", "alt": "A knee seen from the front", "by": editor} | fields
    return add_image(jpeg((1600, 1200)), **values)


# --- adding ------------------------------------------------------------------------------------


def test_an_added_image_is_stored_with_its_renditions(editor, media_root):
    image = _knee(editor, credit="Jo Example", licence="cc-by-4.0")
    image.refresh_from_db()
    assert (image.key, image.format, image.width, image.height) == ("knee-front-view", "jpeg", 1600, 1200)
    assert image.file.name == renditions.original_name(image.sha256, "jpeg")
    names = library.stored_names(image)
    assert stored_files(media_root) == sorted(names)
    assert f"images/{image.sha256[:2]}/{image.sha256}/w1440.webp" in names
    assert f"images/{image.sha256[:2]}/{image.sha256}/og-50-50.jpg" in names
    with default_storage.open(image.file.name) as stored:
        assert stored.read() == read_image(jpeg((1600, 1200))).data


def test_each_rendition_has_its_width_and_format(editor, media_root):
    image = _knee(editor)
    for rendition in renditions.renditions(image.sha256, image.format, image.width, image.height):
        drawn = PILImage.open(media_root / rendition.name)
        assert drawn.size == (rendition.width, rendition.height)
        assert drawn.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
    og = PILImage.open(media_root / renditions.og_name(image.sha256, 0.5, 0.5))
    assert (og.format, og.size) == ("JPEG", (1200, 630))


def test_adding_is_a_revision_by_the_editor(editor):
    image = _knee(editor)
    version = Version.objects.get_for_object(image).get()
    assert version.revision.user == editor
    assert version.revision.comment == "Added the image."


def test_keys_come_from_titles_and_are_unique(editor):
    assert _knee(editor).key == "knee-front-view"
    assert _knee(editor).key == "knee-front-view-2"
    assert _knee(editor, key="left-knee").key == "left-knee"


def test_an_uploaded_file_is_read_like_bytes(editor):
    upload = SimpleUploadedFile("rash.png", png((500, 400)), content_type="image/png")
    image = add_image(upload, title="Rash on the forearm", decorative=True, by=editor)
    assert (image.format, image.width) == ("png", 500)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_and_nothing_is_stored(name, editor, media_root):
    make, words = HOSTILE[name]
    upload = SimpleUploadedFile(name, make(), content_type="image/png")
    with pytest.raises(ImageRefused) as refused:
        add_image(upload, title="Harmless-looking picture", by=editor)
    assert words in refused.value.message
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_declaring_too_many_bytes_is_refused_before_it_is_read(editor, settings, media_root):
    settings.MEDSITE_IMAGE_MAX_BYTES = 1000

    class Endless(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read")

    upload = Endless("scan.jpg", b"", content_type="image/jpeg")
    upload.size = 20_000_000
    with pytest.raises(ImageRefused) as refused:
        add_image(upload, title="Scan", by=editor)
    assert refused.value.message.startswith("“scan.jpg” is 20.0 MB: the library takes files of up to 1 KB.")
    assert stored_files(media_root) == []


def test_invalid_fields_store_nothing(editor, media_root):
    with pytest.raises(ValidationError) as invalid:
        add_image(png(), title="Diagram", alt="A diagram", decorative=True, by=editor)
    assert "A decorative image has no alt text" in str(invalid.value)
    with pytest.raises(ValidationError):
        add_image(png(), title="Diagram", focal_x=1.5, by=editor)
    assert not Image.objects.exists() and stored_files(media_root) == []


def test_the_location_is_gone_from_the_stored_file(editor, media_root):
    exif = PILImage.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    image = add_image(jpeg(exif=exif), title="Ankle swelling", alt="A swollen ankle", by=editor)
    stored = (media_root / image.file.name).read_bytes()
    assert b"Exif" not in stored
    assert not PILImage.open(io.BytesIO(stored)).getexif()
    for name in library.stored_names(image):
        assert b"Exif" not in (media_root / name).read_bytes(), name


def test_files_go_through_the_default_storage_only(editor, settings, media_root):
    in_memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": in_memory}
    image = _knee(editor)
    assert stored_files(media_root) == []
    assert all(default_storage.exists(name) for name in library.stored_names(image))


# --- renditions are written once ---------------------------------------------------------------


def test_renditions_are_written_once(editor, media_root):
    processed = read_image(png((700, 500)))
    first = write_files(processed)
    assert len(first) == len(library.stored_names(_stand_in(processed)))
    modified = {name: (media_root / name).stat().st_mtime_ns for name in first}
    assert write_files(processed) == []
    assert {name: (media_root / name).stat().st_mtime_ns for name in first} == modified


def _stand_in(processed) -> Image:
    return Image(
        sha256=processed.sha256, format=processed.format, width=processed.width, height=processed.height
    )


def test_a_new_focal_point_writes_only_its_open_graph_crop(editor, media_root):
    image = _knee(editor)
    image.focal_x, image.focal_y = 0.25, 0.75
    image.save()
    assert library.write_renditions(image) == [renditions.og_name(image.sha256, 0.25, 0.75)]
    assert library.write_renditions(image) == []


def test_missing_renditions_are_written_again_from_the_stored_file(editor, media_root):
    image = _knee(editor)
    gone = renditions.rendition_name(image.sha256, 640, "webp")
    default_storage.delete(gone)
    assert library.write_renditions(image) == [gone]


# --- a new file --------------------------------------------------------------------------------


def test_replacing_the_file_keeps_the_old_files(editor, media_root, pages):
    image = _knee(editor)
    old_names = library.stored_names(image)
    replaced = replace_file(image, png((900, 700)), by=editor)
    assert (replaced.format, replaced.width, replaced.height) == ("png", 900, 700)
    assert replaced.sha256 != old_names[0].split("/")[2]
    on_disk = stored_files(media_root)
    assert set(old_names) <= set(on_disk)
    assert set(library.stored_names(replaced)) <= set(on_disk)
    latest = Version.objects.get_for_object(image).first()
    assert latest.revision.comment == "Replaced the file (900 × 700 PNG)."
    assert latest.revision.user == editor
    assert pages.asked[:1] == [f"change {image.key}"]


def test_a_page_in_review_stops_the_file_changing(editor, media_root, pages):
    image = _knee(editor)
    before = stored_files(media_root)
    pages.change = "“Gout” is in review with this image: wait for the decision, or withdraw it."
    with pytest.raises(ImageRefused) as refused:
        replace_file(image, png((900, 700)), by=editor)
    assert refused.value.message == pages.change
    assert stored_files(media_root) == before
    assert Image.objects.get().sha256 == image.sha256


def test_a_hostile_replacement_changes_nothing(editor, media_root):
    image = _knee(editor)
    before = stored_files(media_root)
    with pytest.raises(ImageRefused):
        replace_file(image, HOSTILE["polyglot-appended.png"][0](), by=editor)
    assert stored_files(media_root) == before and Image.objects.get().sha256 == image.sha256


# --- taking one out ----------------------------------------------------------------------------


def test_an_image_on_a_published_page_cannot_be_deleted(editor, media_root, pages):
    image = _knee(editor)
    pages.delete = "“Gout” (live) shows this image: take it off the page first."
    with pytest.raises(ImageRefused) as refused:
        delete_image(image, by=editor)
    assert refused.value.message == pages.delete
    assert Image.objects.filter(pk=image.pk).exists()


def test_deleting_keeps_the_files_and_the_history(editor, media_root, pages):
    image = _knee(editor)
    names = library.stored_names(image)
    delete_image(image, by=editor)
    assert not Image.objects.exists()
    assert set(names) <= set(stored_files(media_root))
    assert Version.objects.get_deleted(Image).count() == 1
