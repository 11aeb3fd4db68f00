"""Draws the site's default Open Graph image, static/img/og-default.png: the share card a page
shows on social sites and in chat previews when it has no picture of its own.

Run it again after changing the site's colours: ``.venv/bin/python scripts/og_image.py``. Pillow
comes with django-markdownx; the lettering is Pillow's own bundled font, so the image comes out
the same on any machine.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Open Graph's recommended size (1.91:1); Twitter's "summary" card shows the middle square.
WIDTH, HEIGHT = 1200, 630
ACCENT = "#0a6e5c"  # static/css/site.css --accent, the header's colour
WHITE = "#ffffff"
OUTPUT = Path(__file__).resolve().parents[1] / "static" / "img" / "og-default.png"


def draw() -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), ACCENT)
    canvas = ImageDraw.Draw(image)
    # The favicon's cross, large, in the middle square.
    middle, arm, reach = WIDTH // 2, 45, 135
    top = 110
    centre_y = top + reach
    canvas.rectangle((middle - arm, centre_y - reach, middle + arm, centre_y + reach), fill=WHITE)
    canvas.rectangle((middle - reach, centre_y - arm, middle + reach, centre_y + arm), fill=WHITE)
    name = ImageFont.load_default(size=96)
    canvas.text((middle, 470), "MedSite", font=name, fill=WHITE, anchor="mm")
    strapline = ImageFont.load_default(size=40)
    canvas.text(
        (middle, 560),
        "Health information reviewed by medical experts",
        font=strapline,
        fill=WHITE,
        anchor="mm",
    )
    return image


if __name__ == "__main__":
    draw().save(OUTPUT, optimize=True)
    print(f"wrote {OUTPUT.relative_to(Path.cwd()) if OUTPUT.is_relative_to(Path.cwd()) else OUTPUT}")
