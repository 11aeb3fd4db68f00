"""Images in the condition editor, in real Chromium: "Insert image" on a field's toolbar, the
picker's library search and upload, files dropped on a field, and the live preview's figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image as Picture
from PIL import ImageDraw
from playwright.sync_api import Page, expect

from conditions.models import Condition
from images.library import add_image
from images.models import Image
from tests.factories import make_condition

from .conftest import log_in
from .test_accessibility import report, violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root"),
]

OVERVIEW = "Gout is a painful swelling of a joint."


def sketch(size: tuple[int, int] = (600, 400)) -> bytes:
    """A made-up drawing of a big toe: a skin-coloured ground, a red oval at the joint, an outline."""
    picture = Picture.new("RGB", size, (236, 214, 190))
    draw = ImageDraw.Draw(picture)
    w, h = size
    draw.rounded_rectangle((w * 0.1, h * 0.25, w * 0.9, h * 0.75), radius=60, outline=(90, 60, 40), width=6)
    draw.ellipse((w * 0.55, h * 0.3, w * 0.8, h * 0.7), fill=(200, 50, 50))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def condition(editor) -> Condition:
    return make_condition(editor, sections=[("overview", OVERVIEW), ("symptoms", "A hot, red joint.")])


@pytest.fixture
def editor_page(page: Page, live_server, client, editor, condition) -> Page:
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    return page


def _preview_of(page: Page, name: str):
    return page.locator(".markdownx", has=page.locator(f"textarea[name='{name}']")).locator(
        ".markdownx-preview"
    )


def _insert_image(page: Page, field: str) -> None:
    page.get_by_role("toolbar", name=f"Formatting: {field}").get_by_role(
        "button", name="Insert image"
    ).click()


def _loaded(image) -> bool:
    """The browser fetched and decoded the image (a broken one has no natural width)."""
    image.element_handle().wait_for_element_state("visible")
    return image.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")


def test_an_editor_uploads_an_image_inserts_it_sees_it_in_the_preview_and_saves(
    editor_page: Page, condition, tmp_path
):
    page = editor_page
    drawing = tmp_path / "red-toe.png"
    drawing.write_bytes(sketch())
    body = page.locator("textarea[name='sections-0-body']")
    body.click()
    body.press("End")
    _insert_image(page, "Overview")

    dialog = page.get_by_role("dialog", name="Insert an image")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Search the library")).to_be_focused()
    expect(dialog.get_by_role("status")).to_have_text("The library has no images yet: upload one below.")
    dialog.get_by_label("Image file").set_input_files(str(drawing))
    dialog.get_by_label("Title", exact=True).fill("Red big toe, drawing")
    dialog.get_by_label("Alt text", exact=True).fill("A big toe, red and swollen where it joins the foot.")
    dialog.get_by_label("Caption", exact=True).fill("A gout flare in the big toe.")
    dialog.get_by_label("Credit", exact=True).fill("Ana Lind / Example Clinic")
    dialog.get_by_label("Licence", exact=True).select_option("cc-by-4.0")
    dialog.get_by_role("button", name="Upload and insert").click()

    expect(dialog).to_be_hidden()
    image = Image.objects.get()
    marker = f"![](image:{image.key})"
    expect(body).to_have_value(f"{OVERVIEW}\n\n{marker}")
    expect(body).to_be_focused()
    figure = _preview_of(page, "sections-0-body").locator("figure")
    expect(figure.locator("img")).to_have_attribute(
        "alt", "A big toe, red and swollen where it joins the foot."
    )
    expect(figure.locator("figcaption")).to_contain_text("A gout flare in the big toe.")
    assert _loaded(figure.locator("img"))

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert condition.sections.get(kind="overview").body == f"{OVERVIEW}\n\n{marker}"


def test_an_image_from_the_library_goes_in_at_the_cursor_as_its_own_paragraph(
    editor_page: Page, editor, live_server
):
    add_image(
        sketch(),
        title="Red big toe, drawing",
        key="red-toe",
        alt="A big toe, red at its base.",
        licence="cc0-1.0",
        by=editor,
    )
    add_image(sketch((300, 300)), title="Knee outline", key="knee-outline", by=editor)  # not described yet
    page = editor_page
    page.reload()
    body = page.locator("textarea[name='sections-1-body']")
    body.fill("A hot joint. It swells quickly.")
    body.evaluate("field => field.setSelectionRange(13, 13)")  # after "A hot joint. "
    _insert_image(page, "Symptoms")

    dialog = page.get_by_role("dialog", name="Insert an image")
    dialog.get_by_label("Search the library").fill("knee")
    results = dialog.locator("#medsite-image-results li")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Not ready to publish: no alt text, no licence")
    # Escape closes it, and the cursor is where it was.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(body).to_be_focused()
    assert body.evaluate("field => field.selectionStart") == 13

    _insert_image(page, "Symptoms")
    dialog.get_by_label("Search the library").fill("toe")
    # The dialog opens on the last search ("knee"), answered before or after this one is typed:
    # wait for this one's answer before taking its thumbnail.
    expect(results).to_contain_text("Red big toe, drawing")
    expect(results).to_have_count(1)
    assert _loaded(results.locator("img"))  # the thumbnail
    results.get_by_role("button", name="Insert “Red big toe, drawing”").click()
    expect(body).to_have_value("A hot joint.\n\n![](image:red-toe)\n\nIt swells quickly.")
    expect(_preview_of(page, "sections-1-body").locator("figure img")).to_have_attribute(
        "alt", "A big toe, red at its base."
    )


def test_a_key_the_library_lacks_is_named_in_the_message_area(editor_page: Page):
    page = editor_page
    body = page.locator("textarea[name='sections-0-body']")
    body.fill(f"{OVERVIEW}\n\n![](image:no-such-drawing)")
    expect(page.locator("#medsite-cite-status")).to_have_text("No image “no-such-drawing” in the library.")
    expect(_preview_of(page, "sections-0-body").locator(".image-unknown")).to_contain_text("no-such-drawing")


DROP_FILE = """([selector, name, text]) => {
  const field = document.querySelector(selector);
  const data = new DataTransfer();
  data.items.add(new File([text], name, { type: "image/png" }));
  field.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
}"""

WEB_PAGE = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def test_a_dropped_web_page_named_png_is_refused_and_nothing_is_inserted(editor_page: Page, media_root):
    page = editor_page
    selector = "textarea[name='sections-0-body']"
    page.evaluate(DROP_FILE, [selector, "scan.png", WEB_PAGE])

    dialog = page.get_by_role("dialog", name="Insert an image")
    expect(dialog).to_be_visible()
    # The file is chosen; what a page needs of it is still to be given.
    assert dialog.get_by_label("Image file").evaluate("input => input.files[0].name") == "scan.png"
    expect(dialog.get_by_label("Title", exact=True)).to_be_focused()
    dialog.get_by_label("Title", exact=True).fill("Scan")
    dialog.get_by_label("Licence", exact=True).select_option("cc0-1.0")
    dialog.get_by_role("button", name="Upload and insert").click()
    # No alt text: asked for, at the field, before the file is even looked at.
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("Alt text: Describe what the image shows, or mark it decorative.")
    alt = dialog.get_by_label("Alt text", exact=True)
    expect(alt).to_be_focused()
    expect(alt).to_have_attribute("aria-invalid", "true")

    alt.fill("A scan.")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(alert).to_contain_text("is a web page (HTML), not an image")
    expect(alert).not_to_contain_text("Alt text")
    expect(dialog.get_by_label("Image file")).to_be_focused()
    expect(dialog).to_be_visible()
    found = {"the image dialog, with a refusal": violations(page)}
    dialog.get_by_role("button", name="Close").click()
    expect(page.locator(selector)).to_have_value(OVERVIEW)
    assert not Image.objects.exists()
    assert [path for path in media_root.rglob("*") if path.is_file()] == []
    assert not any(found.values()), report(found)


def test_the_dialog_has_no_wcag_violations_with_results(editor_page: Page, editor):
    add_image(sketch(), title="Red big toe, drawing", key="red-toe", alt="A big toe.", by=editor)
    page = editor_page
    _insert_image(page, "Overview")
    dialog = page.get_by_role("dialog", name="Insert an image")
    expect(dialog.locator("#medsite-image-results li")).to_have_count(1)
    found = {"the image dialog, open on the library": violations(page)}
    assert not any(found.values()), report(found)
