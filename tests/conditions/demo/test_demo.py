from __future__ import annotations

import io
import shutil
from pathlib import Path

import lxml.html
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from reversion.models import Revision, Version

from conditions.content import ConditionData, write_condition
from conditions.demo import ACCOUNTS, illustrations
from conditions.demo.pages import IMAGES, PAGES
from conditions.models import (
    Condition,
    Publication,
    ReviewerProfile,
    ReviewEvent,
    Section,
    ShortAnswer,
    Status,
)
from images.models import Image
from references.models import ConditionReference, Reference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PASSWORDS = {account.username: account.password for account in ACCOUNTS}
# (client.login() is given a request: the login-throttling backend, django-axes, needs one.)


def stored(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture(autouse=True)
def debug_on(settings):
    """The demo only loads on a local (DEBUG) site; pytest-django turns DEBUG off."""
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    models = [
        User, ReviewerProfile, Condition, Section, ShortAnswer, Publication, ReviewEvent,
        Reference, ConditionReference, Revision, Version, Image,
    ]  # fmt: skip
    counts = {model.__name__: model.objects.count() for model in models}
    users = {
        user.username: (
            user.password,
            user.is_staff,
            user.is_superuser,
            sorted(g.name for g in user.groups.all()),
        )
        for user in User.objects.prefetch_related("groups")
    }
    conditions = {c.slug: (c.status, c.lock_version, c.live_publication_id) for c in Condition.objects.all()}
    return {"counts": counts, "users": users, "conditions": conditions}


@pytest.mark.parametrize(
    ("slug", "heading", "text", "reviewer"),
    [
        ("migraine", "<h1>Migraine</h1>", "Medication-overuse headache", "Amara Okafor, MD"),
        ("gout", "<h1>Gout</h1>", "uric acid", "Tomasz Nowak, MBBS, MRCP"),
        (
            "iron-deficiency-anaemia",
            "<h1>Iron deficiency anaemia</h1>",
            "haemoglobin",
            "Tomasz Nowak, MBBS, MRCP",
        ),
        ("plantar-fasciitis", "<h1>Plantar fasciitis</h1>", "first steps", "Amara Okafor, MD"),
    ],
)
def test_published_demo_page_is_public_with_reviewer_and_references(client, slug, heading, text, reviewer):
    load_demo()
    response = client.get(f"/conditions/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert heading in page
    assert text.casefold() in page.casefold()
    assert f"Medically reviewed by <strong>{reviewer}</strong>" in page
    assert 'class="citation"' in page
    assert 'id="references"' in page
    assert "[@" not in page


def test_every_published_page_went_through_submit_and_approval_by_another_person():
    load_demo()
    editor = User.objects.get(username="editor")
    for condition in Condition.objects.filter(status=Status.PUBLISHED):
        actions = list(condition.review_events.order_by("id").values_list("action", "actor__username"))
        assert actions[0] == ("edit", "editor")
        assert actions[1:] == [("submit", "editor"), ("approve", actions[-1][1])]
        assert actions[-1][1] in {"reviewer1", "reviewer2"}
        publication = condition.live_publication
        assert publication.kind == Publication.Kind.CLINICAL
        assert publication.approved_by != editor
        assert condition.last_reviewed_on is not None


def test_work_in_progress_page_waits_in_review_and_is_not_public(client):
    load_demo()
    shingles = Condition.objects.get(slug="shingles")
    assert shingles.status == Status.EXPERT_REVIEW
    assert shingles.live_publication is None
    assert client.get("/conditions/shingles/").status_code == 404
    assert Condition.objects.live().count() == len([page for page in PAGES if page.publish])


def test_home_page_lists_the_published_demo_pages(client):
    load_demo()
    page = client.get("/").content.decode()
    for name in ["Gout", "Iron deficiency anaemia", "Migraine", "Plantar fasciitis"]:
        assert name in page
    assert "Shingles" not in page


@pytest.mark.parametrize(
    ("username", "group", "display_name"),
    [
        ("editor", "Editors", None),
        ("reviewer1", "Medical reviewers", "Amara Okafor, MD"),
        ("reviewer2", "Medical reviewers", "Tomasz Nowak, MBBS, MRCP"),
    ],
)
def test_role_accounts_have_their_group_and_can_log_in(client, username, group, display_name):
    load_demo()
    user = User.objects.get(username=username)
    assert [g.name for g in user.groups.all()] == [group]
    assert user.is_staff and not user.is_superuser
    if display_name:
        assert user.reviewer_profile.display_name == display_name
        assert user.reviewer_profile.specialty
    else:
        assert not ReviewerProfile.objects.filter(user=user).exists()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORDS[username])
    assert client.get("/admin/").status_code == 200


def test_admin_account_is_a_superuser_and_can_log_in(client):
    load_demo()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert client.login(request=HttpRequest(), username="admin", password=PASSWORDS["admin"])


def test_output_lists_the_logins_and_addresses():
    output = load_demo()
    assert "LOCAL DEMO ACCOUNTS" in output
    for account in ACCOUNTS:
        assert account.username in output
        assert account.password in output
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert "Published: Gout, Iron deficiency anaemia, Migraine, Plantar fasciitis." in output


def test_running_twice_changes_nothing():
    load_demo()
    before = snapshot()
    output = load_demo()
    assert snapshot() == before
    assert "Already present" in output
    assert "Published:" not in output


def test_running_again_resets_the_demo_passwords_and_roles(client):
    load_demo()
    editor = User.objects.get(username="editor")
    editor.set_password("something else entirely")
    editor.is_staff = False
    editor.save()
    editor.groups.clear()
    load_demo()
    editor.refresh_from_db()
    assert editor.is_staff
    assert [g.name for g in editor.groups.all()] == ["Editors"]
    assert client.login(request=HttpRequest(), username="editor", password=PASSWORDS["editor"])


def test_existing_pages_are_left_alone():
    load_demo()
    edit = ConditionData(
        name="Migraine", slug="migraine", summary="Edited by a person after the demo was loaded."
    )
    write_condition(edit, by=User.objects.get(username="editor"), comment="A later edit")
    load_demo()
    migraine = Condition.objects.get(slug="migraine")
    assert migraine.status == Status.DRAFT
    assert migraine.summary == "Edited by a person after the demo was loaded."
    assert migraine.publications.count() == 1


def test_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="debug"):
        load_demo()
    assert not User.objects.filter(username__in=PASSWORDS).exists()
    assert not Condition.objects.exists()


# --- illustrations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "key", "words"),
    [
        ("plantar-fasciitis", "plantar-fasciitis-heel-pain", "under the heel"),
        ("migraine", "migraine-pain-side", "one side of the head"),
    ],
)
def test_two_demo_pages_show_a_described_credited_figure(client, media_root, slug, key, words):
    load_demo()
    page = lxml.html.fromstring(client.get(f"/conditions/{slug}/").content)
    [figure] = page.cssselect("figure.figure")
    image = Image.objects.get(key=key)
    img = figure.cssselect("img")[0]
    assert img.get("alt") == image.alt and len(image.alt) > 80
    assert (img.get("width"), img.get("height")) == ("1200", "800")
    caption = figure.cssselect("figcaption")[0].text_content()
    assert words in caption
    assert "Credit: MedSite demo" in caption and "CC BY 4.0" in caption
    assert (
        figure.cssselect('a[rel="license"]')[0].get("href") == "https://creativecommons.org/licenses/by/4.0/"
    )
    # Every rendition the figure names is stored and served.
    for address in [img.get("src")] + [c.split()[0] for c in img.get("srcset").split(",")]:
        assert client.get(address).status_code == 200, address
    # The page shares its illustration as its Open Graph image.
    og = page.cssselect('meta[property="og:image"]')[0].get("content")
    assert og.endswith(".jpg") and f"/{image.sha256}/og-" in og


def test_illustrations_are_drawn_the_same_every_time():
    for demo in IMAGES:
        assert demo.draw() == demo.draw()
    assert illustrations.plantar_fasciitis_heel_pain() != illustrations.migraine_one_sided_pain()


def test_running_again_keeps_the_images_and_their_files(media_root):
    load_demo()
    files = stored(media_root)
    images = list(Image.objects.values())
    output = load_demo()
    assert list(Image.objects.values()) == images and stored(media_root) == files
    assert "Images added" not in output


def test_running_again_with_a_fresh_media_folder_brings_the_files_back(client, media_root):
    first = load_demo()
    assert "Images added: plantar-fasciitis-heel-pain, migraine-pain-side." in first
    files = stored(media_root)
    shutil.rmtree(media_root)
    media_root.mkdir()
    load_demo()
    assert stored(media_root) == files


def test_an_image_edited_after_loading_is_left_alone(media_root):
    load_demo()
    Image.objects.filter(key="migraine-pain-side").update(caption="Edited by a person.")
    load_demo()
    assert Image.objects.get(key="migraine-pain-side").caption == "Edited by a person."
