"""An illustration travels from an editor's upload, through the medical reviewer's comparison, to
the public page, in real Chromium; the public figure is then checked by axe, the Nu HTML checker
and Lighthouse (which must see no layout shift)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from bench.lighthouse import LIGHTHOUSE, failing_audits, run_lighthouse, scores
from conditions.models import Condition
from images.models import Image
from tests.factories import make_condition, publish

from .test_accessibility import report, violations
from .test_editor_images import sketch
from .test_review_flow import log_in_with_the_form

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root"),
]

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
OVERVIEW = "Plantar fasciitis is pain under the heel, worst with the first steps of the day."
ALT = "The sole of a foot, with the front of the heel shaded where the pain is felt."
CAPTION = "Where plantar fasciitis hurts."


@pytest.fixture
def live_page(editor, reviewer2) -> Condition:
    """A published page with text only, so the illustration is the change under review."""
    condition = make_condition(
        editor,
        "Plantar fasciitis",
        sections=[("overview", OVERVIEW), ("symptoms", "Pain under the heel.\n\n" + "Stiffness. " * 80)],
    )
    publish(condition, editor=editor, reviewer=reviewer2)
    return condition


def _upload_and_insert(page: Page, drawing: Path) -> str:
    body = page.locator("textarea[name='sections-0-body']")
    body.click()
    body.press("End")
    page.get_by_role("toolbar", name="Formatting: Overview").get_by_role(
        "button", name="Insert image"
    ).click()
    dialog = page.get_by_role("dialog", name="Insert an image")
    dialog.get_by_label("Image file").set_input_files(str(drawing))
    dialog.get_by_label("Title", exact=True).fill("Heel pain, sole of the foot")
    dialog.get_by_label("Alt text").fill(ALT)
    dialog.get_by_label("Caption").fill(CAPTION)
    dialog.get_by_label("Credit").fill("Example Clinic")
    dialog.get_by_label("Licence").select_option("cc-by-4.0")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(dialog).to_be_hidden()
    key = Image.objects.get().key
    expect(body).to_have_value(f"{OVERVIEW}\n\n![](image:{key})")
    return key


def _nu_errors(html: bytes, folder: Path) -> list[dict]:
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: `make test` installs it (npm ci)"
    java = shutil.which("java")
    assert java, "java is missing: `make test` installs it (openjdk-17-jre-headless)"
    file = folder / "page.html"
    file.write_bytes(html)
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only", str(file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(result.stdout)["messages"]


def test_an_illustration_is_uploaded_reviewed_and_published(
    page: Page,
    live_server,
    client,
    editor,
    reviewer,
    live_page: Condition,
    tmp_path,
    pytestconfig,
    cpu_to_itself,
):
    change_url = reverse("admin:conditions_condition_change", args=[live_page.pk])
    public_url = live_server.url + live_page.get_absolute_url()
    drawing = tmp_path / "heel.png"
    drawing.write_bytes(sketch((1200, 800)))

    # The editor uploads the drawing, inserts it, sees it in the live preview, saves and submits.
    log_in_with_the_form(page, live_server, editor, change_url)
    key = _upload_and_insert(page, drawing)
    preview = page.locator(".markdownx", has=page.locator("textarea[name='sections-0-body']")).locator(
        ".markdownx-preview"
    )
    expect(preview.locator("figure img")).to_have_attribute("alt", ALT)
    assert preview.locator("figure img").evaluate("img => img.decode().then(() => img.naturalWidth > 0)")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("button", name="Submit for expert review").click()
    expect(page.locator(".messagelist")).to_contain_text("submitted for expert review")
    page.get_by_role("button", name="Log out").click()

    # Not public yet.
    page.goto(public_url)
    expect(page.locator("main figure")).to_have_count(0)

    # The reviewer sees the image in the comparison, thumbnail and words, and approves.
    log_in_with_the_form(page, live_server, reviewer, reverse("review-dashboard"))
    page.get_by_role("link", name="Review the changes to Plantar fasciitis").click()
    added = page.locator("article", has=page.get_by_role("heading", name=f"Image “{key}”"))
    expect(added).to_contain_text(ALT)
    thumbnail = added.locator("img")
    expect(thumbnail).to_have_count(1)
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")
    for box in page.get_by_role("group", name="Review checklist").get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("approved")
    page.get_by_role("button", name="Log out").click()

    # The public page: a responsive figure, loaded, described and credited.
    page.context.clear_cookies()
    page.goto(public_url)
    figure = page.locator("main figure")
    expect(figure).to_have_count(1)
    img = figure.locator("img")
    expect(img).to_have_attribute("alt", ALT)
    assert img.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")
    assert img.get_attribute("width") and img.get_attribute("height")
    assert "w320" in img.get_attribute("srcset")
    # Chromium took the WebP source.
    assert img.evaluate("img => img.currentSrc").endswith(".webp")
    expect(figure.locator("figcaption")).to_contain_text(CAPTION)
    expect(figure.locator("figcaption")).to_contain_text("Credit: Example Clinic")
    found = {"the public page with a figure": violations(page)}
    assert not any(found.values()), report(found)

    assert _nu_errors(client.get(live_page.get_absolute_url()).content, tmp_path) == []

    assert LIGHTHOUSE.is_file(), f"{LIGHTHOUSE} is missing: `make test` installs it (npm ci)"
    lighthouse = run_lighthouse(
        public_url,
        tmp_path / "lighthouse.json",
        categories=["accessibility", "best-practices", "seo", "performance"],
        chromium=pytestconfig.getoption("--chromium-path"),
    )
    audits = lighthouse["audits"]
    # No layout shift: the figure's box is reserved by its width and height before the file comes.
    assert audits["cumulative-layout-shift"]["numericValue"] == 0, audits["cumulative-layout-shift"]
    assert audits["unsized-images"]["score"] == 1, audits["unsized-images"].get("details")
    assert audits["image-alt"]["score"] == 1
    rated = {name: score for name, score in scores(lighthouse).items() if name != "performance"}
    low = {name: score for name, score in rated.items() if score is None or score < 0.9}
    assert not low, f"Lighthouse scores {rated}:\n" + "\n".join(
        "\n  ".join(failing_audits(lighthouse, name)) for name in low
    )
