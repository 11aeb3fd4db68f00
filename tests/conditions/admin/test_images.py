"""The editor's image picker endpoints (conditions/admin/images.py), and the previews showing images
(conditions/admin/preview.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as Picture
from PIL import ImageDraw

from images.library import add_image
from images.models import Image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

SEARCH, UPLOAD = reverse("editor-image-search"), reverse("editor-image-upload")


def stored(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def sketch(size: tuple[int, int] = (640, 480)) -> bytes:
    """A made-up drawing of a swollen knuckle: a skin-coloured ground, a red oval, a line."""
    picture = Picture.new("RGB", size, (236, 214, 190))
    draw = ImageDraw.Draw(picture)
    w, h = size
    draw.ellipse((w * 0.35, h * 0.3, w * 0.65, h * 0.7), fill=(190, 50, 50))
    draw.line((0, h * 0.5, w, h * 0.5), fill=(90, 60, 40), width=4)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def library_image(by: User, title: str, **fields) -> Image:
    return add_image(sketch(), title=title, by=by, **fields)


def upload_data(**changes) -> dict:
    data = {
        "file": SimpleUploadedFile("knuckle.png", sketch(), content_type="image/png"),
        "title": "Swollen knuckle, drawing",
        "alt": "A finger joint, red and swollen around the knuckle.",
        "caption": "Gout often starts in one joint.",
        "credit": "Ana Lind / Example Clinic",
        "licence": "cc-by-4.0",
        "source_url": "https://illustrations.example.org/knuckle",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("stan", "stan@example.org", "correct horse battery", is_staff=True)


# --- who may search and upload ----------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_and_nothing_is_stored(client, media_root):
    assert client.get(SEARCH, {"q": "knee"}).status_code == 302
    response = client.post(UPLOAD, upload_data())
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not Image.objects.exists()
    assert stored(media_root) == []


@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_users_without_the_right_are_refused(client, request, who, media_root):
    client.force_login(request.getfixturevalue(who))
    assert client.get(SEARCH).status_code == 403
    response = client.post(UPLOAD, upload_data())
    assert response.status_code == 403
    assert response.json()["error"] == "You do not have permission to insert images."
    assert not Image.objects.exists()
    assert stored(media_root) == []


def test_staff_with_only_use_image_may_search(client, staff, editor):
    library_image(editor, "Plantar fascia, side view", alt="The sole of a foot seen from the side.")
    staff.user_permissions.add(Permission.objects.get(codename="use_image", content_type__app_label="images"))
    client.force_login(staff)
    response = client.get(SEARCH, {"q": "plantar"})
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == ["Plantar fascia, side view"]


def test_search_is_get_only_and_upload_post_only(client, editor):
    client.force_login(editor)
    assert client.post(SEARCH).status_code == 405
    assert client.get(UPLOAD).status_code == 405


def test_upload_needs_the_csrf_token(editor, media_root):
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(editor)
    assert checked.post(UPLOAD, upload_data()).status_code == 403
    assert not Image.objects.exists()
    assert stored(media_root) == []


# --- search -----------------------------------------------------------------------------------


def test_search_finds_by_title_key_alt_and_caption(client, editor):
    library_image(editor, "Tophus on an elbow", key="tophus-elbow", alt="A chalky lump under the skin.")
    library_image(
        editor, "Knee joint", alt="A knee seen from the front.", caption="The kneecap sits in front."
    )
    library_image(editor, "Ankle swelling", key="ankle-oedema", alt="A puffy ankle.")
    client.force_login(editor)

    def titles(query):
        return sorted(item["title"] for item in client.get(SEARCH, {"q": query}).json()["results"])

    assert titles("tophus") == ["Tophus on an elbow"]  # title
    assert titles("oedema") == ["Ankle swelling"]  # key
    assert titles("chalky") == ["Tophus on an elbow"]  # alt text
    assert titles("kneecap") == ["Knee joint"]  # caption
    assert titles("knee front") == ["Knee joint"]  # every word, anywhere
    assert titles("knee elbow") == []
    assert titles("wrist") == []


def test_a_result_says_what_the_picker_shows_and_whether_it_is_ready(client, editor):
    ready = library_image(
        editor,
        "Red toe",
        key="red-toe",
        alt="A big toe, red at its base.",
        caption="A gout flare.",
        credit="Ana Lind",
        licence="cc-by-4.0",
    )
    library_image(editor, "Blank outline", key="outline")  # no alt text, no licence
    client.force_login(editor)
    results = {item["key"]: item for item in client.get(SEARCH, {"q": "toe"}).json()["results"]}
    item = results["red-toe"]
    assert item["title"] == "Red toe"
    assert item["alt"] == "A big toe, red at its base."
    assert item["decorative"] is False
    assert item["caption"] == "A gout flare."
    assert item["credit"] == "Ana Lind"
    assert item["licence"] == "cc-by-4.0"
    assert item["licence_name"] == "CC BY 4.0"
    assert item["markdown"] == "![](image:red-toe)"
    assert item["ready"] is True and item["missing"] == []
    # The smallest WebP rendition, from the image's own content-hashed folder.
    assert item["thumbnail"] == f"/media/images/{ready.sha256[:2]}/{ready.sha256}/w320.webp"

    outline = client.get(SEARCH, {"q": "outline"}).json()["results"][0]
    assert outline["ready"] is False
    assert outline["missing"] == ["no alt text", "no licence"]


def test_the_thumbnail_is_a_stored_file(client, editor, media_root):
    library_image(editor, "Heel", alt="A heel.", licence="cc0-1.0")
    client.force_login(editor)
    thumbnail = client.get(SEARCH, {"q": "heel"}).json()["results"][0]["thumbnail"]
    assert (media_root / thumbnail.removeprefix("/media/")).is_file()


def test_no_query_lists_the_images_changed_last(client, editor):
    first = library_image(editor, "Older drawing", alt="An older drawing.")
    library_image(editor, "Newer drawing", alt="A newer drawing.")
    first.caption = "Changed just now."
    first.save()
    client.force_login(editor)
    results = client.get(SEARCH).json()["results"]
    assert [item["title"] for item in results] == ["Older drawing", "Newer drawing"]


def test_a_query_with_a_nul_character_is_answered(client, editor):
    client.force_login(editor)
    response = client.get(SEARCH, {"q": "knee\x00"})
    assert response.status_code == 200
    assert response.json() == {"results": []}


# --- upload -----------------------------------------------------------------------------------


def test_an_editor_uploads_an_image_with_its_description(client, editor, media_root):
    client.force_login(editor)
    response = client.post(UPLOAD, upload_data())
    assert response.status_code == 201
    item = response.json()["image"]
    image = Image.objects.get()
    assert item["key"] == image.key
    assert item["markdown"] == f"![](image:{image.key})"
    assert item["ready"] is True
    assert (image.title, image.alt, image.caption) == (
        "Swollen knuckle, drawing",
        "A finger joint, red and swollen around the knuckle.",
        "Gout often starts in one joint.",
    )
    assert (image.credit, image.licence, image.source_url) == (
        "Ana Lind / Example Clinic",
        "cc-by-4.0",
        "https://illustrations.example.org/knuckle",
    )
    assert (image.width, image.height) == (640, 480)
    assert (media_root / item["thumbnail"].removeprefix("/media/")).is_file()


def test_a_decorative_image_needs_no_alt_text(client, editor):
    client.force_login(editor)
    response = client.post(UPLOAD, upload_data(alt="", decorative="on"))
    assert response.status_code == 201
    image = Image.objects.get()
    assert image.decorative and image.alt == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"alt": ""}, "alt", "Describe what the image shows, or mark it decorative."),
        ({"licence": ""}, "licence", "This field is required."),
        ({"licence": "free-for-all"}, "licence", "Select a valid choice."),
        ({"title": ""}, "title", "This field is required."),
        ({"file": None}, "file", "This field is required."),
        ({"source_url": "not an address at all"}, "source_url", "Enter a valid URL."),
        ({"decorative": "on"}, "alt", "A decorative image has no alt text"),
    ],
)
def test_what_a_page_needs_of_an_image_is_asked_for(client, editor, media_root, changes, field, message):
    client.force_login(editor)
    response = client.post(UPLOAD, upload_data(**changes))
    assert response.status_code == 400
    answer = response.json()
    assert answer["error"] == "The image was not added: see the fields marked."
    assert any(text.startswith(message) for text in answer["fields"][field])
    assert not Image.objects.exists()
    assert stored(media_root) == []


def test_an_html_file_named_png_is_refused_with_its_reason(client, editor, media_root):
    client.force_login(editor)
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    response = client.post(
        UPLOAD, upload_data(file=SimpleUploadedFile("knuckle.png", page, content_type="image/png"))
    )
    assert response.status_code == 400
    answer = response.json()
    assert "knuckle.png" in answer["error"]
    assert answer["fields"]["file"] == [answer["error"]]
    assert not Image.objects.exists()
    assert stored(media_root) == []


# --- markdownx's upload address ----------------------------------------------------------------


def test_markdownx_upload_address_refuses_even_an_editor_s_good_image(client, editor, media_root):
    client.force_login(editor)
    good = SimpleUploadedFile("knuckle.png", sketch(), content_type="image/png")
    response = client.post(reverse("editor-upload"), {"image": good})
    assert response.status_code == 400
    assert "“Insert image”" in response.json()["image"][0]
    assert not Image.objects.exists()
    assert stored(media_root) == []


# --- the live preview shows images ----------------------------------------------------------------


def _page_preview(client, *texts):
    data = {"field": [f"sections-{n}-body" for n in range(len(texts))], "text": list(texts)}
    return client.post(reverse("editor-page-preview"), data)


def test_the_page_preview_shows_a_library_image_as_a_figure(client, editor):
    image = library_image(
        editor,
        "Red toe",
        key="red-toe",
        alt="A big toe, red at its base.",
        caption="A gout flare.",
        licence="cc0-1.0",
    )
    client.force_login(editor)
    response = _page_preview(client, "Gout often starts in the big toe.\n\n![](image:red-toe)\n\nMore text.")
    assert response.status_code == 200
    answer = response.json()
    html = answer["previews"]["sections-0-body"]
    assert '<figure class="figure">' in html
    assert 'alt="A big toe, red at its base."' in html
    assert f"/media/images/{image.sha256[:2]}/{image.sha256}/w640.png" in html
    assert "A gout flare." in html
    assert answer["unknown_images"] == []
    assert answer["misplaced_images"] == []


def test_the_page_preview_names_unknown_and_misplaced_images(client, editor):
    library_image(editor, "Red toe", key="red-toe", alt="A big toe.")
    client.force_login(editor)
    answer = _page_preview(
        client, "![](image:no-such-drawing)", "See ![the toe](image:red-toe) here, in a sentence."
    ).json()
    assert answer["unknown_images"] == ["no-such-drawing"]
    assert answer["misplaced_images"] == ["image:red-toe"]
    assert "No image “no-such-drawing” in the image library" in answer["previews"]["sections-0-body"]
    assert "put it on a line of its own" in answer["previews"]["sections-1-body"]
    assert "<figure" not in answer["previews"]["sections-1-body"]


def test_the_single_field_preview_shows_a_library_image(client, editor):
    library_image(editor, "Red toe", key="red-toe", alt="A big toe, red at its base.")
    client.force_login(editor)
    response = client.post(reverse("editor-preview"), {"content": "![](image:red-toe)"})
    assert response.status_code == 200
    assert 'alt="A big toe, red at its base."' in response.content.decode()


def test_search_reads_the_images_in_one_query(client, editor, django_assert_num_queries):
    for n in range(5):
        library_image(editor, f"Drawing {n}", alt=f"Drawing number {n}.")
    client.force_login(editor)
    # The session, its user, the user's own permissions and their groups' (use_image, then
    # change_condition, from one cache), and the images: however many match.
    with django_assert_num_queries(5):
        response = client.get(SEARCH, {"q": "drawing"})
    assert len(response.json()["results"]) == 5
