"""The image library in the admin: uploading (and refusing), finding, describing, replacing,
the focal point, where used, deleting, history; and who may do what."""

from __future__ import annotations

import pytest
import reversion
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from images import library, renditions, usage
from images.library import add_image
from images.models import Image
from images.usage import Use
from tests.factories import make_reference

from .conftest import HOSTILE, jpeg, png, stored_files
from .test_library import Pages

pytestmark = pytest.mark.django_db

ADD = reverse("admin:images_image_add")
LIST = reverse("admin:images_image_changelist")


@pytest.fixture
def pages():
    provider = Pages()
    usage._providers.insert(0, provider)
    yield provider
    usage._providers.remove(provider)


def _change_url(image: Image) -> str:
    return reverse("admin:images_image_change", args=[image.pk])


def _image(editor, **fields) -> Image:
    values = {"title": "Gouty toe", "alt": "A red, swollen big toe joint", "by": editor} | fields
    return add_image(jpeg((1200, 900)), **values)


def _form(image: Image | None = None, **changes) -> dict:
    fields = ["title", "alt", "caption", "credit", "licence", "source_url", "copyright_notice"]
    values = {name: getattr(image, name) if image else "" for name in fields}
    values |= {"focal_x": image.focal_x if image else 0.5, "focal_y": image.focal_y if image else 0.5}
    if image and image.decorative:
        values["decorative"] = "on"
    return values | changes


def _upload(data: bytes, name: str = "picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def _page(response) -> str:
    return response.content.decode()


# --- uploading ---------------------------------------------------------------------------------


def test_an_editor_uploads_an_image(client, editor, media_root):
    client.force_login(editor)
    form = _form(
        title="Knee X-ray", alt="An X-ray of a knee, front view", licence="cc-by-4.0", credit="Jo Doe"
    )
    response = client.post(ADD, form | {"upload": _upload(png((800, 600)))})
    image = Image.objects.get()
    assert response.status_code == 302
    assert (image.key, image.format, image.width, image.licence) == ("knee-x-ray", "png", 800, "cc-by-4.0")
    assert stored_files(media_root) == sorted(library.stored_names(image))
    assert Version.objects.get_for_object(image).get().revision.user == editor


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_upload_is_refused_on_the_form_and_nothing_is_stored(name, client, editor, media_root):
    make, words = HOSTILE[name]
    client.force_login(editor)
    response = client.post(
        ADD, _form(title="Holiday photo", alt="A beach") | {"upload": _upload(make(), name)}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["upload"]
    assert any(words in error for error in errors)
    assert f"“{name}” " in _page(response) and words in _page(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_an_upload_needs_a_file(client, editor):
    client.force_login(editor)
    response = client.post(ADD, _form(title="Nothing", alt="Nothing"))
    assert response.context["adminform"].form.errors["upload"] == ["This field is required."]


def test_alt_text_is_required_unless_the_image_is_decorative(client, editor, media_root):
    client.force_login(editor)
    response = client.post(ADD, _form(title="Swirl") | {"upload": _upload(png())})
    assert "Describe what the image shows" in response.context["adminform"].form.errors["alt"][0]
    assert not Image.objects.exists()
    decorative = _form(title="Swirl", decorative="on") | {"upload": _upload(png())}
    assert client.post(ADD, decorative).status_code == 302
    assert Image.objects.get().decorative


def test_the_upload_field_takes_images_only(client, editor):
    client.force_login(editor)
    assert 'accept="image/png,image/jpeg,image/webp"' in _page(client.get(ADD))


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_thumbnails_with_their_alt_text(client, editor):
    image = _image(editor)
    client.force_login(editor)
    page = _page(client.get(LIST))
    small = renditions.url(renditions.rendition_name(image.sha256, 320, "webp"))
    assert f'<img src="{small}" alt="A red, swollen big toe joint" width="96" height="72"' in page


def test_the_list_is_searched_by_credit_caption_and_alt(client, editor):
    _image(editor, credit="Ana Lopez", caption="Acute gout")
    _image(editor, title="Ankle", alt="An ankle brace")
    client.force_login(editor)
    for term, found in [("Lopez", "Gouty toe"), ("brace", "Ankle"), ("acute", "Gouty toe")]:
        result = client.get(LIST, {"q": term}).context["cl"].result_list
        assert [image.title for image in result] == [found]


def test_the_list_filters_missing_alt_text_and_licences(client, editor):
    _image(editor, title="Described", licence="cc0-1.0")
    _image(editor, title="Undescribed", alt="", licence="cc0-1.0")
    _image(editor, title="Unlicensed")
    client.force_login(editor)

    def titles(query):
        return sorted(image.title for image in client.get(LIST, query).context["cl"].result_list)

    assert titles({"alt": "missing"}) == ["Undescribed"]
    assert titles({"licensed": "no"}) == ["Unlicensed"]
    assert titles({"licence": "cc0-1.0"}) == ["Described", "Undescribed"]


# --- the change page ---------------------------------------------------------------------------


def test_the_change_page_shows_the_image_and_the_focal_point_picker(client, editor):
    image = _image(editor)
    client.force_login(editor)
    page = _page(client.get(_change_url(image)))
    shown = renditions.url(renditions.rendition_name(image.sha256, 640, "webp"))
    assert f'<img src="{shown}" width="640" height="480" alt="A red, swollen big toe joint">' in page
    assert 'id="medsite-focal"' in page and 'id="id_focal_x"' in page and 'id="id_focal_y"' in page
    assert "/static/js/focal-point.js" in page
    assert "Not used on any page." in page


def test_the_where_used_panel_lists_the_pages(client, editor, pages):
    image = _image(editor)
    pages.where_used = lambda image: [  # type: ignore[method-assign]
        Use("Gout (draft)", "/admin/conditions/condition/1/change/", published=False),
        Use("Gout, version 2 (live)", "/conditions/gout/history/2/", published=True),
    ]
    client.force_login(editor)
    page = _page(client.get(_change_url(image)))
    assert '<a href="/admin/conditions/condition/1/change/">Gout (draft)</a>' in page
    assert "Gout, version 2 (live)</a> <strong>(public)</strong>" in page


def test_a_new_focal_point_writes_its_open_graph_crop(
    client, editor, media_root, django_capture_on_commit_callbacks
):
    image = _image(editor)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change_url(image), _form(image, focal_x="0.2", focal_y="0.8"))
    assert response.status_code == 302
    assert renditions.og_name(image.sha256, 0.2, 0.8) in stored_files(media_root)


def test_the_key_does_not_change_once_made(client, editor):
    image = _image(editor)
    client.force_login(editor)
    client.post(_change_url(image), _form(image, key="another-key", caption="New"))
    image.refresh_from_db()
    assert (image.key, image.caption) == ("gouty-toe", "New")


def test_replacing_the_file_from_the_change_page(client, editor, media_root):
    image = _image(editor)
    old = library.stored_names(image)
    client.force_login(editor)
    response = client.post(_change_url(image), _form(image) | {"upload": _upload(png((500, 500)))})
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.format, image.width) == ("png", 500)
    assert set(old) | set(library.stored_names(image)) <= set(stored_files(media_root))
    assert (
        Version.objects.get_for_object(image).first().revision.comment == "Replaced the file (500 × 500 PNG)."
    )


def test_a_hostile_replacement_is_refused_on_the_form(client, editor, media_root):
    image = _image(editor)
    before = stored_files(media_root)
    client.force_login(editor)
    upload = _upload(HOSTILE["drawing.svg"][0](), "drawing.svg")
    response = client.post(_change_url(image), _form(image) | {"upload": upload})
    assert (
        "is an SVG drawing, which can carry scripts" in response.context["adminform"].form.errors["upload"][0]
    )
    assert stored_files(media_root) == before
    assert Image.objects.get().sha256 == image.sha256


def test_a_page_in_review_stops_changes_with_its_message(client, editor, pages, media_root):
    image = _image(editor)
    pages.change = "“Gout” is in review and shows this image: wait for the decision."
    client.force_login(editor)
    response = client.post(_change_url(image), _form(image, alt="Changed alt text"))
    assert response.status_code == 200
    assert f"{pages.change} Your changes were not saved" in _page(response)
    assert Image.objects.get().alt == "A red, swollen big toe joint"
    # Fields pages do not show (the library's title) may still change.
    assert client.post(_change_url(image), _form(image, title="Gout, big toe")).status_code == 302


# --- deleting ----------------------------------------------------------------------------------


def test_delete_is_refused_with_the_pages_message(client, superuser, editor, pages, media_root):
    image = _image(editor)
    pages.delete = "“Gout” (live) shows this image."
    client.force_login(superuser)
    delete_url = reverse("admin:images_image_delete", args=[image.pk])
    for method in (client.get, client.post):
        response = method(delete_url, {"post": "yes"} if method == client.post else {}, follow=True)
        assert "“Gouty toe” was not deleted: “Gout” (live) shows this image." in _page(response)
    assert Image.objects.filter(pk=image.pk).exists()


def test_bulk_delete_is_refused_with_the_pages_message(client, superuser, editor, pages):
    image = _image(editor)
    pages.delete = "A published page shows it."
    client.force_login(superuser)
    data = {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"}
    response = client.post(LIST, data, follow=True)
    assert "was not deleted: A published page shows it." in _page(response)
    assert Image.objects.filter(pk=image.pk).exists()


def test_an_unused_image_is_deleted_and_its_files_stay(client, superuser, editor, media_root):
    image = _image(editor)
    names = library.stored_names(image)
    client.force_login(superuser)
    response = client.post(reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert set(names) <= set(stored_files(media_root))


# --- history -----------------------------------------------------------------------------------


def test_reverting_restores_the_image_only(client, editor):
    image = _image(editor)
    reference = make_reference("lee2020", title="Gout in primary care")
    with reversion.create_revision():  # as a page's submission holds the page and its images
        reversion.add_to_revision(image)
        reversion.add_to_revision(reference)
    shared = Version.objects.get_for_object(image).first()
    image.alt = "A later description"
    image.save()
    reference.title = "Gout in primary care, revised"
    reference.save()
    client.force_login(editor)
    url = reverse("admin:images_image_revision", args=[image.pk, shared.pk])
    assert client.post(url, _form(image, alt="A red, swollen big toe joint")).status_code == 302
    image.refresh_from_db()
    reference.refresh_from_db()
    assert image.alt == "A red, swollen big toe joint"
    assert reference.title == "Gout in primary care, revised"


def test_reverting_brings_back_the_earlier_file(client, editor, media_root):
    image = _image(editor)
    first = Version.objects.get_for_object(image).get()
    old_sha = image.sha256
    library.replace_file(image, png((500, 500)), by=editor)
    client.force_login(editor)
    url = reverse("admin:images_image_revision", args=[image.pk, first.pk])
    assert client.post(url, _form(image)).status_code == 302
    image.refresh_from_db()
    assert (image.sha256, image.format, image.width) == (old_sha, "jpeg", 1200)
    assert set(library.stored_names(image)) <= set(stored_files(media_root))


def test_reverting_is_refused_while_a_page_in_review_shows_the_image(client, editor, pages):
    image = _image(editor)
    first = Version.objects.get_for_object(image).get()
    image.alt = "Later"
    image.save()
    pages.change = "“Gout” is in review."
    client.force_login(editor)
    url = reverse("admin:images_image_revision", args=[image.pk, first.pk])
    response = client.post(url, _form(image, alt="A red, swollen big toe joint"), follow=True)
    assert "Not restored: “Gout” is in review." in _page(response)
    assert Image.objects.get().alt == "Later"


# --- who may ---------------------------------------------------------------------------------


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("stan", "stan@example.org", "correct horse battery", is_staff=True)


def test_who_may_use_the_library(client, editor, reviewer, staff, stranger, superuser):
    image = _image(editor)
    change = _change_url(image)
    delete = reverse("admin:images_image_delete", args=[image.pk])
    expected = {
        editor: {LIST: 200, ADD: 200, change: 200, delete: 403},
        reviewer: {LIST: 200, ADD: 200, change: 200, delete: 403},
        staff: {LIST: 403, ADD: 403, change: 403, delete: 403},
        superuser: {LIST: 200, ADD: 200, change: 200, delete: 200},
    }
    for user, outcomes in expected.items():
        client.force_login(user)
        assert {url: client.get(url).status_code for url in outcomes} == outcomes, user.username
    client.force_login(stranger)
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_editors_may_insert_images_in_pages(editor, reviewer, staff):
    assert editor.has_perm("images.use_image") and reviewer.has_perm("images.use_image")
    assert not staff.has_perm("images.use_image")


def test_staff_without_the_role_cannot_upload(client, staff, media_root):
    client.force_login(staff)
    response = client.post(ADD, _form(title="Sneaky", alt="x") | {"upload": _upload(png())})
    assert response.status_code == 403
    assert not Image.objects.exists() and stored_files(media_root) == []


# --- queries -----------------------------------------------------------------------------------


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries.captured_queries)


def test_the_list_reads_the_same_queries_however_many_images(client, editor):
    _image(editor, title="First")
    client.force_login(editor)
    client.get(LIST)  # warm the content-type cache
    one = _list_queries(client)
    for title in ("Second", "Third", "Fourth"):
        _image(editor, title=title)
    # The session, the user, the user's group and own permissions, the transaction the admin view
    # opens (SAVEPOINT and RELEASE), the count for the pager, the page of images: thumbnails are
    # named from the rows, with no query of their own.
    assert one == _list_queries(client) == 8


def test_the_upload_is_checked_and_drawn_before_the_admins_transaction(client, editor, monkeypatch):
    depths: list[int] = []

    def spying(original):
        def call(*args, **kwargs):
            depths.append(len(connection.atomic_blocks))
            return original(*args, **kwargs)

        return call

    monkeypatch.setattr(library, "read_upload", spying(library.read_upload))
    monkeypatch.setattr(library, "write_files", spying(library.write_files))
    outside = len(connection.atomic_blocks)  # the test's own transaction
    client.force_login(editor)
    response = client.post(ADD, _form(title="Shin", alt="A shin") | {"upload": _upload(png())})
    assert response.status_code == 302
    assert depths[:2] == [outside, outside]
