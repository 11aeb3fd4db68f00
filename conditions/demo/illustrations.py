"""The demo's illustrations: simple labelled diagrams drawn with Pillow when the demo loads.

Drawn here rather than shipped as files, so the demo carries no image it did not make: each is a
PNG of the same bytes every time (the same shapes, Pillow's own font), so loading the demo again
finds it unchanged. What each shows is said in words by its alt text (conditions.demo.pages).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 800)
PAPER = (247, 244, 238)
INK = (33, 37, 43)
SKIN = (236, 205, 180)
SKIN_EDGE = (150, 110, 85)
BONE = (250, 246, 232)
FASCIA = (52, 101, 164)
PAIN = (200, 30, 30)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.convert("RGB").save(out, "PNG")
    return out.getvalue()


def _label(
    draw: ImageDraw.ImageDraw,
    text: str,
    at: tuple[int, int],
    to: tuple[int, int] | None = None,
    size: int = 30,
) -> None:
    """``text`` with its top-left corner at ``at``, and a leader line from it to ``to``."""
    font = _font(size)
    if to is not None:
        left, top, right, bottom = draw.textbbox(at, text, font=font)
        start = (
            (left + (right - left) // 2, bottom + 6)
            if to[1] > bottom
            else (left + (right - left) // 2, top - 6)
        )
        draw.line([start, to], fill=INK, width=3)
        draw.ellipse((to[0] - 6, to[1] - 6, to[0] + 6, to[1] + 6), fill=INK)
    draw.text(at, text, fill=INK, font=font)


def _pain(picture: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """A translucent red patch over ``box``, with a firmer centre: where it hurts."""
    layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.ellipse(box, fill=(*PAIN, 90))
    left, top, right, bottom = box
    inset_x, inset_y = (right - left) // 4, (bottom - top) // 4
    draw.ellipse((left + inset_x, top + inset_y, right - inset_x, bottom - inset_y), fill=(*PAIN, 140))
    return Image.alpha_composite(picture.convert("RGBA"), layer)


def plantar_fasciitis_heel_pain() -> bytes:
    """A foot seen from the inner side: the heel bone, the plantar fascia along the sole from the
    heel to the toes, and the painful spot where the fascia joins the heel, each labelled."""
    picture = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(picture)
    draw.text((60, 40), "Where plantar fasciitis hurts", fill=INK, font=_font(44))
    leg_and_foot = [
        (330, 130), (480, 130), (490, 360), (560, 420), (700, 470), (860, 520), (990, 555),
        (1060, 570), (1085, 600), (1060, 630), (960, 640), (820, 636), (700, 615), (560, 600),
        (440, 630), (330, 650), (270, 630), (245, 580), (250, 500), (300, 420), (320, 360),
    ]  # fmt: skip
    draw.polygon(leg_and_foot, fill=SKIN, outline=SKIN_EDGE, width=4)
    # The heel bone (calcaneus), inside the heel.
    draw.ellipse((290, 480, 430, 600), fill=BONE, outline=SKIN_EDGE, width=3)
    # The plantar fascia: a band along the sole, from the heel bone to the base of the toes.
    draw.line([(350, 612), (450, 606), (560, 590), (700, 600), (820, 618), (960, 622)], fill=FASCIA, width=14)
    picture = _pain(picture, (300, 555, 450, 665))
    draw = ImageDraw.Draw(picture)
    _label(draw, "Heel bone", (90, 330), (330, 500))
    _label(draw, "Plantar fascia", (620, 700), (700, 602))
    _label(draw, "Pain is felt here, under the heel", (120, 720), (375, 640))
    _label(draw, "Toes", (1010, 470), (1050, 585))
    return _png(picture)


def migraine_one_sided_pain() -> bytes:
    """A head seen from the front with one side shaded around the temple, forehead and eye (the
    usual place of migraine pain), and the other side clear, each labelled."""
    picture = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(picture)
    draw.text((60, 40), "Where migraine pain is often felt", fill=INK, font=_font(44))
    # Neck, ears and head.
    draw.rectangle((530, 600, 670, 760), fill=SKIN, outline=SKIN_EDGE, width=4)
    draw.ellipse((415, 340, 465, 450), fill=SKIN, outline=SKIN_EDGE, width=4)
    draw.ellipse((735, 340, 785, 450), fill=SKIN, outline=SKIN_EDGE, width=4)
    draw.ellipse((440, 140, 760, 660), fill=SKIN, outline=SKIN_EDGE, width=4)
    # Eyes, nose and mouth.
    for left in (505, 625):
        draw.ellipse((left, 370, left + 70, 400), fill=(255, 255, 255), outline=INK, width=3)
        draw.ellipse((left + 25, 375, left + 45, 395), fill=INK)
    draw.line([(600, 410), (585, 490), (610, 495)], fill=SKIN_EDGE, width=4)
    draw.arc((545, 520, 655, 570), start=20, end=160, fill=INK, width=4)
    # One side: temple, forehead and around the eye (the person's right, the viewer's left).
    picture = _pain(picture, (430, 200, 600, 450))
    draw = ImageDraw.Draw(picture)
    _label(draw, "Throbbing pain on one side", (40, 130), (470, 250))
    _label(draw, "Around the temple and eye", (60, 560), (500, 400))
    _label(draw, "Other side often clear", (820, 150), (690, 260))
    return _png(picture)
