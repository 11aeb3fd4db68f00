"""The image library's admin in real Chromium: uploading through the form, a refused file's
message, and the focal point set by clicking the image, with the page's Content Security Policy
in force and the image files served from local storage (/media/)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from images.models import Image
from tests.images.conftest import SVG_WITH_SCRIPT, png, stored_files

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def script_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def console(message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_an_editor_uploads_an_image_and_sets_its_focal_point(
    page: Page, live_server, client, editor, media_root, tmp_path, script_errors
):
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:images_image_add"))
    refused = tmp_path / "diagram.png"
    refused.write_bytes(SVG_WITH_SCRIPT)
    page.get_by_label("Image file").set_input_files(str(refused))
    page.get_by_label("Title").fill("Heel pain map")
    page.get_by_label("Alt text").fill("The underside of a foot, the heel marked in red")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text(
        "“diagram.png” is an SVG drawing, which can carry scripts"
    )
    assert stored_files(media_root) == [] and not Image.objects.exists()

    picture = tmp_path / "heel.png"
    picture.write_bytes(png((800, 400)))
    page.get_by_label("Image file").set_input_files(str(picture))
    page.get_by_role("button", name="Save and continue editing").click()
    image = Image.objects.get()

    shown = page.locator("#medsite-focal img")
    expect(shown).to_have_attribute("alt", "The underside of a foot, the heel marked in red")
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 640  # served from /media/
    box = shown.bounding_box()
    assert box is not None
    shown.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    expect(page.locator("#id_focal_x")).to_have_value("0.25")
    expect(page.locator("#id_focal_y")).to_have_value("0.75")
    expect(page.locator(".medsite-focal-marker")).to_be_visible()

    page.locator("#id_focal_x").fill("0.6")  # by keyboard, too
    marker_left = page.locator(".medsite-focal-marker").evaluate("marker => marker.style.left")
    assert marker_left == "60%"
    page.get_by_role("button", name="Save and continue editing").click()
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.6, 0.75)
    assert f"images/{image.sha256[:2]}/{image.sha256}/og-60-75.jpg" in stored_files(media_root)
    assert script_errors == []
