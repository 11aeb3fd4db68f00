"""The figure a page shows for a library image: renditions, size, alt text, caption and credit."""

from __future__ import annotations

from dataclasses import replace

from images.content import ImageContent
from images.figures import credit_line, figure_html
from tests.xss_checks import assert_inert, parse_fragment

SHA = "cd" * 32
PHOTO = ImageContent(
    id=7,
    key="plantar-heel",
    sha256=SHA,
    format="jpeg",
    width=1000,
    height=750,
    alt="The underside of a foot, the heel shaded where the pain is felt",
    caption="Heel pain is worst with the first steps of the day.",
    credit="Jane Doe / Example Clinic",
    licence="cc-by-sa-4.0",
)


def _figure(image: ImageContent, **options):
    html = figure_html(image, alt=options.get("alt", ""), caption=options.get("caption", ""), lazy=False)
    (figure,) = parse_fragment(str(html)).iter("figure")
    return str(html), figure


def test_webp_and_the_images_own_format_at_every_width_up_to_its_own():
    _, figure = _figure(PHOTO)
    (source,) = figure.iter("source")
    (img,) = figure.iter("img")
    assert source.get("type") == "image/webp"
    webp = [entry.split() for entry in source.get("srcset").split(", ")]
    jpeg = [entry.split() for entry in img.get("srcset").split(", ")]
    assert [width for _, width in webp] == ["320w", "480w", "640w", "960w", "1000w"]
    assert [width for _, width in jpeg] == [width for _, width in webp]
    assert all(url.startswith(f"/media/images/cd/{SHA}/") and url.endswith(".webp") for url, _ in webp)
    assert all(url.endswith(".jpg") for url, _ in jpeg)
    assert img.get("src") == f"/media/images/cd/{SHA}/w1000.jpg"
    # The box is reserved before the file arrives: no layout shift.
    assert (img.get("width"), img.get("height")) == ("1000", "750")
    assert img.get("sizes") == source.get("sizes")


def test_a_narrow_image_is_never_scaled_up():
    _, figure = _figure(replace(PHOTO, width=300, height=200))
    (img,) = figure.iter("img")
    assert img.get("srcset").endswith("w300.jpg 300w") and "," not in img.get("srcset")


def test_caption_credit_and_licence_under_the_image():
    _, figure = _figure(PHOTO)
    caption = "".join(figure.find("figcaption").itertext())
    assert caption.startswith("Heel pain is worst with the first steps of the day.")
    assert "Credit: Jane Doe / Example Clinic" in caption and "CC BY-SA 4.0" in caption
    (link,) = figure.iter("a")
    assert (
        link.get("href") == "https://creativecommons.org/licenses/by-sa/4.0/" and link.get("rel") == "license"
    )


def test_all_rights_reserved_names_the_notice_without_a_deed():
    image = replace(PHOTO, licence="all-rights-reserved", credit="", copyright_notice="© 2026 Example Clinic")
    assert str(credit_line(image)) == "© 2026 Example Clinic · All rights reserved"


def test_no_caption_and_no_credit_means_no_figcaption():
    _, figure = _figure(replace(PHOTO, caption="", credit="", licence=""))
    assert figure.find("figcaption") is None


def test_a_decorative_image_has_empty_alt_text_unless_the_text_gives_one():
    decorative = replace(PHOTO, alt="", decorative=True)
    _, figure = _figure(decorative)
    assert next(figure.iter("img")).get("alt") == ""
    _, figure = _figure(decorative, alt="A heel")
    assert next(figure.iter("img")).get("alt") == "A heel"


def test_every_field_is_escaped():
    hostile = replace(
        PHOTO,
        alt='"><script>alert(1)</script>',
        caption="<img src=x onerror=alert(1)>",
        credit="</figcaption><script>alert(2)</script>",
        copyright_notice="<b onmouseover=alert(3)>",
    )
    html, figure = _figure(hostile)
    assert_inert(html)
    assert len(list(figure.iter("img"))) == 1 and next(figure.iter("img")).get("alt") == hostile.alt


def test_lazy_loading_is_the_callers_choice():
    eager = figure_html(PHOTO, alt="", caption="", lazy=False)
    lazy = figure_html(PHOTO, alt="", caption="", lazy=True)
    assert 'loading="lazy"' in lazy and "loading=" not in eager
