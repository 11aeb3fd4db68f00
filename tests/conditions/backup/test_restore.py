"""Backups with the image library: its rows and original files go out, and a restore puts them back
(checked as uploads are) with their renditions, so pages serve the same figures; a bad file in a
backup writes nothing at all."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image as Picture
from PIL import ImageDraw

from conditions import backup
from conditions.models import Condition, PublicationImage
from images import library
from images.models import Image
from tests.conftest import make_migrated_data
from tests.factories import make_condition, publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def stored(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def knee_drawing(colour: tuple[int, int, int] = (190, 50, 50), size: tuple[int, int] = (900, 600)) -> bytes:
    """A made-up diagram: a pale background, a thigh and shin as bars, the knee a coloured disc."""
    picture = Picture.new("RGB", size, (245, 242, 236))
    draw = ImageDraw.Draw(picture)
    w, h = size
    draw.rectangle((w * 0.45, 0, w * 0.55, h * 0.45), fill=(120, 110, 100))
    draw.rectangle((w * 0.45, h * 0.55, w * 0.55, h), fill=(120, 110, 100))
    draw.ellipse((w * 0.4, h * 0.38, w * 0.6, h * 0.62), fill=colour)
    draw.text((10, 10), "Knee", fill=(0, 0, 0))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def illustrated_site(editor, reviewer) -> Condition:
    """A live page showing a library image uploaded through the library, files and all."""
    library.add_image(
        knee_drawing(),
        title="Swollen knee",
        key="swollen-knee",
        alt="Diagram of a leg with the knee joint shaded red",
        caption="Fluid collects around the knee",
        credit="Jane Doe",
        licence="cc-by-4.0",
        source_url="https://drawings.example.org/knee",
        copyright_notice="© 2025 Jane Doe",
        focal_x=0.5,
        focal_y=0.4,
        by=editor,
    )
    condition = make_condition(
        editor,
        name="Knee effusion",
        sections=[("overview", "Fluid builds up in the knee.\n\n![](image:swollen-knee)")],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    return condition


def export(path: Path) -> list[str]:
    call_command("export_conditions", "--output", str(path), stdout=io.StringIO())
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def restore(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_conditions", str(path), *args, stdout=out)
    return out.getvalue()


def figure_and_files(client: Client, url: str) -> tuple[str, list[str]]:
    """The page's figure as served, and every address it loads an image from."""
    response = client.get(url)
    assert response.status_code == 200
    [figure] = lxml.html.fromstring(response.content).cssselect("figure.figure")
    addresses = [figure.cssselect("img")[0].get("src")]
    for element in figure.cssselect("img, source"):
        addresses += [candidate.split()[0] for candidate in element.get("srcset").split(",")]
    return lxml.html.tostring(figure, encoding="unicode"), sorted(set(addresses))


def image_rows() -> list[dict]:
    return list(Image.objects.order_by("pk").values())


@pytest.mark.django_db(transaction=True)
def test_export_empty_import_serves_the_same_figure_with_its_files(
    roles, editor, reviewer, tmp_path, media_root
):
    condition = illustrated_site(editor, reviewer)
    url = condition.get_absolute_url()
    figure, addresses = figure_and_files(Client(), url)
    rows = image_rows()
    path = tmp_path / "site.jsonl"
    lines = export(path)
    file_lines = [json.loads(line) for line in lines if line.startswith('{"file"')]
    [original] = file_lines
    assert original["file"] == f"images/{rows[0]['sha256'][:2]}/{rows[0]['sha256']}/original.png"
    assert hashlib.sha256(base64.b64decode(original["base64"])).hexdigest() == rows[0]["sha256"]
    assert json.loads(lines[-1])["counts"]["files"] == 1

    # Another server: an empty database and an empty media folder.
    call_command("flush", interactive=False, verbosity=0)
    make_migrated_data()
    ContentType.objects.clear_cache()
    caches["default"].clear()
    shutil.rmtree(media_root)
    media_root.mkdir()
    assert Client().get(url).status_code == 404

    report = restore(path)

    assert "1 files" in report
    assert image_rows() == rows  # every field, the same id
    client = Client()
    assert figure_and_files(client, url) == (figure, addresses)
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Content-Type"] in ("image/webp", "image/png")
    # The Open Graph crop the page shares, made around the same focal point.
    og = Condition.objects.get(pk=condition.pk).live_publication.page.images[0].og_image
    assert og.endswith("/og-50-40.jpg") and client.get(og).status_code == 200
    # Where-used knows again which version shows the image, so it cannot be deleted.
    assert PublicationImage.objects.filter(image__key="swollen-knee").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_replaced_images_earlier_file_comes_back_for_the_pages_approved_with_it(
    roles, editor, reviewer, tmp_path, media_root
):
    condition = illustrated_site(editor, reviewer)
    image = Image.objects.get(key="swollen-knee")
    first_sha = image.sha256
    library.replace_file(image, knee_drawing(colour=(40, 90, 200)), by=editor)
    url = condition.get_absolute_url()
    figure, addresses = figure_and_files(Client(), url)
    assert first_sha in figure  # not approved again: the page keeps its first file
    path = tmp_path / "site.jsonl"
    export(path)
    call_command("flush", interactive=False, verbosity=0)
    make_migrated_data()
    ContentType.objects.clear_cache()
    caches["default"].clear()
    shutil.rmtree(media_root)
    media_root.mkdir()

    restore(path)

    assert Image.objects.get(key="swollen-knee").sha256 != first_sha
    client = Client()
    assert figure_and_files(client, url) == (figure, addresses)
    assert all(client.get(address).status_code == 200 for address in addresses)
    originals = [name for name in stored(media_root) if name.endswith("original.png")]
    assert len(originals) == 2


# --- bad backups write nothing ---------------------------------------------------------------------


@pytest.fixture
def backup_file(editor, reviewer, tmp_path, media_root) -> tuple[Path, list[str]]:
    """A real backup's path and lines; the database emptied of its content and the media folder of
    its files."""
    illustrated_site(editor, reviewer)
    path = tmp_path / "site.jsonl"
    lines = export(path)
    Condition.objects.update(live_publication=None, scheduled_publication=None)
    for model in reversed(backup.MODELS):
        model._base_manager.all().delete()
    shutil.rmtree(media_root)
    media_root.mkdir()
    return path, lines


def _file_line(lines: list[str]) -> int:
    return next(n for n, line in enumerate(lines) if line.startswith('{"file"'))


def _with_file(lines: list[str], data: bytes, *, sha: str | None = None) -> list[str]:
    """The backup with its image file's content replaced (and its hash, unless ``sha`` says)."""
    n = _file_line(lines)
    record = json.loads(lines[n])
    record["base64"] = base64.b64encode(data).decode()
    if sha != "keep":
        new_sha = sha or hashlib.sha256(data).hexdigest()
        record["file"] = (
            record["file"]
            .replace(record["sha256"], new_sha)
            .replace(f"images/{record['sha256'][:2]}/", f"images/{new_sha[:2]}/")
        )
        record["sha256"] = new_sha
    return [*lines[:n], json.dumps(record) + "\n", *lines[n + 1 :]]


def _refused(path: Path, lines: list[str], media_root: Path, *expected: str) -> str:
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        restore(path)
    message = str(caught.value)
    assert message.startswith("Nothing was imported.")
    for text in expected:
        assert text in message
    assert not Image.objects.exists() and not Condition.objects.exists()
    assert stored(media_root) == []
    return message


def test_the_whole_backup_restores(backup_file, media_root):
    path, _lines = backup_file
    restore(path)
    image = Image.objects.get()
    assert image.key == "swollen-knee"
    # The original, its renditions (four widths up to its own 900, WebP and PNG) and its Open Graph crop.
    assert stored(media_root) == sorted(library.stored_names(image))
    assert len(stored(media_root)) == 1 + 4 * 2 + 1


def test_a_corrupt_image_file_is_refused_by_what_is_wrong_with_it(backup_file, media_root):
    path, lines = backup_file
    whole = knee_drawing()
    message = _refused(path, _with_file(lines, whole[: len(whole) // 2]), media_root, "is cut short")
    assert re.search(r"site\.jsonl, line \d+ \(image file images/", message)


def test_a_web_page_in_place_of_an_image_is_refused(backup_file, media_root):
    path, lines = backup_file
    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    _refused(path, _with_file(lines, page), media_root, "is a web page (HTML), not an image")


def test_a_file_whose_content_is_not_its_hash_is_refused(backup_file, media_root):
    path, lines = backup_file
    other = knee_drawing(colour=(0, 160, 0))
    _refused(path, _with_file(lines, other, sha="keep"), media_root, "does not match its SHA-256 hash")


def test_a_file_that_is_not_valid_base64_is_refused(backup_file, media_root):
    path, lines = backup_file
    n = _file_line(lines)
    record = json.loads(lines[n])
    record["base64"] = "not base64 at all!"
    altered = [*lines[:n], json.dumps(record) + "\n", *lines[n + 1 :]]
    _refused(path, altered, media_root, "is not valid base64")


def test_a_missing_image_file_is_refused(backup_file, media_root):
    path, lines = backup_file
    n = _file_line(lines)
    footer = json.loads(lines[-1])
    footer["counts"].pop("files")
    altered = [*lines[:n], *lines[n + 1 : -1], json.dumps(footer) + "\n"]
    _refused(path, altered, media_root, "the file of the image “swollen-knee”", "is not in the backup")


def test_a_file_no_image_names_is_refused(backup_file, media_root):
    path, lines = backup_file
    altered = _with_file(lines, knee_drawing(colour=(0, 0, 200)))
    n = _file_line(altered)
    footer = json.loads(altered[-1])
    footer["counts"]["files"] = 2
    altered = [*altered[:-1], lines[n], json.dumps(footer) + "\n"]
    _refused(path, altered, media_root, "no image in the backup has this file")


def test_an_image_row_naming_another_file_is_refused(backup_file, media_root):
    path, lines = backup_file
    n = next(i for i, line in enumerate(lines) if '"model": "images.image"' in line)
    record = json.loads(lines[n])
    record["fields"]["file"] = "../../settings.py"
    altered = [*lines[:n], json.dumps(record) + "\n", *lines[n + 1 :]]
    _refused(path, altered, media_root, "images.image", "its “file” is not the name the library gives")


def test_a_publication_showing_an_image_it_did_not_freeze_is_refused(backup_file, media_root):
    path, lines = backup_file
    n = next(i for i, line in enumerate(lines) if '"model": "conditions.publication"' in line)
    record = json.loads(lines[n])
    src = re.search(r'<img src="([^"]+)"', record["fields"]["html"]).group(1)
    record["fields"]["html"] = record["fields"]["html"].replace(
        f'<img src="{src}"', '<img src="https://tracker.example.net/pixel.png"'
    )
    altered = [*lines[:n], json.dumps(record) + "\n", *lines[n + 1 :]]
    _refused(path, altered, media_root, "shows an image the page did not freeze", "tracker.example.net")


def test_a_dry_run_checks_the_files_and_writes_none(backup_file, media_root):
    path, _lines = backup_file
    report = restore(path, "--dry-run")
    assert "Dry run: nothing was written." in report
    assert stored(media_root) == [] and not Image.objects.exists()


def test_an_export_with_an_image_file_missing_from_storage_writes_no_backup(
    editor, reviewer, tmp_path, media_root
):
    illustrated_site(editor, reviewer)
    original = Image.objects.get().file.name
    (media_root / original).unlink()
    out = tmp_path / "site.jsonl"
    with pytest.raises(CommandError) as caught:
        call_command("export_conditions", "--output", str(out), stdout=io.StringIO())
    assert str(caught.value).startswith("No backup was written.")
    assert "The file of the image “swollen-knee”" in str(caught.value)
    assert not out.exists() and list(tmp_path.glob(".site.jsonl*")) == []
