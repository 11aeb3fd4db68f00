"""An uploaded file, checked and re-encoded before the library keeps it; and its renditions.

The file is identified by its content (never its name or the browser's content type): PNG, JPEG
or WebP, and nothing else. It is refused, with a sentence the editor can act on, when it is too
many bytes (before anything decodes it), too many pixels (from its header, before its pixels are
decoded: a decompression bomb declares billions of pixels in a few kilobytes), cut short, animated,
or carries web page markup in its metadata or after its end (a polyglot: an image that a browser
could also be led to read as HTML or script).

What is kept is not the upload but a fresh encoding of its pixels: turned upright by its EXIF
orientation, converted to sRGB when it carries a colour profile, and written with no metadata at
all (no EXIF, so no camera location; no XMP, comments, text chunks or profile). Photographs are
stored as JPEG; PNG, and WebP with transparency or lossless, as PNG.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Decoders the library accepts, by content. Pillow tries only these.
ACCEPTED = ("PNG", "JPEG", "WEBP")
JPEG_QUALITY = 85
WEBP_QUALITY = 80
OG_BACKGROUND = (255, 255, 255)

# Markup a browser would run or render, looked for in an image's metadata (text chunks, comments,
# EXIF, XMP, unknown chunks) and in bytes after its end, never in its compressed pixels. Only
# long patterns: metadata holds binary data too (an EXIF thumbnail is up to 64 KB of JPEG), where
# a short one such as "<a " turns up by chance.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|svg|iframe|object|embed|!doctype|\?php)[\s>/]"
    rb"|javascript\s*:|\bon(?:load|error|click|mouseover)\s*=",
    re.IGNORECASE,
)
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<", re.DOTALL)
_SVG = re.compile(rb"<svg[\s>]", re.IGNORECASE)
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|script)[\s>]", re.IGNORECASE)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageRefused(Exception):
    """The file cannot go into the library; ``message`` tells the editor why, and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Processed:
    """A checked, re-encoded image: the bytes the library stores."""

    data: bytes
    format: str  # "jpeg" | "png"
    width: int
    height: int
    sha256: str


def max_bytes() -> int:
    return settings.MEDSITE_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.MEDSITE_IMAGE_MAX_PIXELS


def max_side() -> int:
    return settings.MEDSITE_IMAGE_MAX_SIDE


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


def _named(name: str) -> str:
    return f"“{name}”" if name else "The file"


# --- the file's structure, read without decoding pixels ----------------------------------------


@dataclass
class _Layout:
    """What the container says, before any pixel is decoded."""

    metadata: list[bytes]  # every chunk, segment or comment that is not pixels
    trailer: bytes  # bytes after the image's end
    complete: bool  # the file reaches the image's end
    size: tuple[int, int] | None = None  # from the header, where it is simply read
    lossless: bool = False  # WebP: VP8L
    animated: bool = False


def _png_layout(data: bytes) -> _Layout:
    layout = _Layout(metadata=[], trailer=b"", complete=False)
    at = len(_PNG_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        end = at + 12 + length
        if end > len(data):
            return layout
        if kind == b"IHDR" and length >= 8:
            layout.size = struct.unpack(">II", body[:8])
        elif kind == b"acTL":
            layout.animated = True
        elif kind == b"IEND":
            layout.complete = True
            layout.trailer = data[end:]
            return layout
        elif kind not in (b"IDAT", b"fdAT", b"PLTE", b"tRNS"):
            layout.metadata.append(body)
        at = end
    return layout


def _jpeg_layout(data: bytes) -> _Layout:
    layout = _Layout(metadata=[], trailer=b"", complete=False)
    at, end = 2, len(data)
    while at < end:
        if data[at] != 0xFF:
            # Entropy-coded data after a start of scan: up to the next marker that is not a
            # stuffed 0xFF00 or a restart marker.
            at = data.find(b"\xff", at)
            if at < 0:
                return layout
            continue
        while at + 1 < end and data[at + 1] == 0xFF:  # fill bytes
            at += 1
        if at + 1 >= end:
            return layout
        marker = data[at + 1]
        if marker == 0x00 or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            at += 2
            continue
        if marker == 0xD9:
            layout.complete = True
            layout.trailer = data[at + 2 :]
            return layout
        if at + 4 > end:
            return layout
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        body = data[at + 4 : at + 2 + length]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and len(body) >= 5:
            height, width = struct.unpack(">HH", body[1:5])
            layout.size = (width, height)
        elif 0xE0 <= marker <= 0xEF or marker == 0xFE:
            layout.metadata.append(body)
        at += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            while at < end:
                at = data.find(b"\xff", at)
                if at < 0 or at + 1 >= end:
                    return layout
                following = data[at + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    at += 1 if following == 0xFF else 2
                    continue
                break
    return layout


def _webp_layout(data: bytes) -> _Layout:
    layout = _Layout(metadata=[], trailer=b"", complete=False)
    if len(data) < 12:
        return layout
    (riff_size,) = struct.unpack("<I", data[4:8])
    riff_end = 8 + riff_size
    layout.complete = riff_end <= len(data)
    layout.trailer = data[riff_end:]
    at = 12
    while at + 8 <= min(riff_end, len(data)):
        kind, length = struct.unpack("<4sI", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if kind == b"VP8L":
            layout.lossless = True
        elif kind in (b"ANIM", b"ANMF"):
            layout.animated = True
        elif kind not in (b"VP8 ", b"VP8X", b"ALPH"):
            layout.metadata.append(body)
        at += 8 + length + (length & 1)
    return layout


def _layout(data: bytes, format: str) -> _Layout:
    if format == "PNG":
        return _png_layout(data)
    if format == "JPEG":
        return _jpeg_layout(data)
    return _webp_layout(data)


# --- checks ------------------------------------------------------------------------------------


def _refuse_markup_file(data: bytes, name: str) -> None:
    """SVG, HTML and XML are text: refuse them by what they are, whatever they are called."""
    head = data[:4096]
    if not _XML_START.match(head):
        return
    if _SVG.search(data[:65536]):
        raise ImageRefused(
            f"{_named(name)} is an SVG drawing, which can carry scripts: the library takes PNG, "
            "JPEG or WebP only. Export the drawing as PNG and upload that."
        )
    if _HTML.search(head):
        raise ImageRefused(
            f"{_named(name)} is a web page (HTML), not an image, whatever its name says. "
            "Save the picture itself as PNG, JPEG or WebP and upload that."
        )
    raise ImageRefused(
        f"{_named(name)} is a text file (XML or markup), not an image. Upload a PNG, JPEG or WebP image."
    )


def refuse_bytes(size: int, name: str = "") -> None:
    """Refuse a file of ``size`` bytes if it is over the limit: before anything reads it."""
    if size > max_bytes():
        raise ImageRefused(
            f"{_named(name)} is {_megabytes(size)}: the library takes files of up to "
            f"{_megabytes(max_bytes())}. Save it smaller (pages show images at most 1,440 pixels "
            "wide) and upload it again."
        )


def _refuse_size(width: int, height: int, name: str) -> None:
    if width * height > max_pixels() or max(width, height) > max_side():
        raise ImageRefused(
            f"{_named(name)} is {width:,} × {height:,} pixels: the library takes images of up to "
            f"{max_pixels() / 1_000_000:g} megapixels and {max_side():,} pixels a side. "
            "Scale it down (pages show images at most 1,440 pixels wide) and upload it again."
        )


def _too_many_pixels(name: str) -> ImageRefused:
    return ImageRefused(
        f"{_named(name)} declares far more pixels than any page needs (a “decompression bomb”): "
        f"the library takes images of up to {max_pixels() / 1_000_000:g} megapixels. "
        "Scale it down and upload it again."
    )


def _refuse_polyglot(layout: _Layout, info: dict, name: str) -> None:
    texts = [*layout.metadata, layout.trailer]
    texts += [v.encode("utf-8", "replace") if isinstance(v, str) else v for v in info.values()]
    if any(isinstance(t, bytes) and _MARKUP.search(t) for t in texts):
        raise ImageRefused(
            f"{_named(name)} is an image with web page code (HTML or script) hidden in it, in its "
            "metadata or after its end: browsers could be led to run it, so it is refused. Open "
            "the image in an image editor, export a fresh PNG or JPEG, and upload that."
        )


def _truncated(name: str) -> ImageRefused:
    return ImageRefused(
        f"{_named(name)} is cut short: the file ends before the image does (an interrupted "
        "download or copy). Get the complete file and upload it again."
    )


def _not_an_image(name: str) -> ImageRefused:
    return ImageRefused(
        f"{_named(name)} is not a PNG, JPEG or WebP image (its content is not, whatever its name "
        "says). Save it in one of those formats and upload it again."
    )


# --- reading -----------------------------------------------------------------------------------


def read_image(data: bytes, name: str = "") -> Processed:
    """Check ``data`` and re-encode it, or raise :class:`ImageRefused` saying why not."""
    if not data:
        raise ImageRefused(f"{_named(name)} is empty. Choose the image file again.")
    refuse_bytes(len(data), name)
    _refuse_markup_file(data, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            layout = _png_layout(data) if data.startswith(_PNG_SIGNATURE) else None
            if layout is not None and layout.size:
                _refuse_size(*layout.size, name)
            raise _too_many_pixels(name) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error):
            raise _not_an_image(name) from None
        source_format = image.format or ""
        layout = _layout(data, source_format)
        width, height = image.size
        _refuse_size(width, height, name)
        if layout.size and layout.size != (width, height):
            _refuse_size(*layout.size, name)
        if getattr(image, "is_animated", False) or layout.animated:
            raise ImageRefused(
                f"{_named(name)} is animated: the library keeps still images only. Export the frame "
                "you want as PNG or JPEG and upload that."
            )
        if not layout.complete:
            raise _truncated(name)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name) from None
        except (OSError, SyntaxError, ValueError, struct.error, EOFError):
            raise _truncated(name) from None
    _refuse_polyglot(layout, {**image.info, **getattr(image, "text", {})}, name)
    output_format = _output_format(image, source_format, layout)
    clean = _clean(image)
    data = _encode(clean, output_format)
    return Processed(
        data=data,
        format=output_format,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _output_format(image: Image.Image, source_format: str, layout: _Layout) -> str:
    if source_format == "PNG":
        return "png"
    if source_format == "JPEG":
        return "jpeg"
    return "png" if _has_alpha(image) or layout.lossless else "jpeg"


def _clean(image: Image.Image) -> Image.Image:
    """Upright, in sRGB, in a mode the output format takes, and with no metadata left on it."""
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # a broken EXIF block: keep the pixels as stored
        upright = image.copy()
    alpha = _has_alpha(image)
    if upright.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        upright = upright.convert("I").point(lambda value: value / 256).convert("L")
    elif upright.mode not in ("1", "L", "RGB", "RGBA", "LA", "P", "CMYK"):
        upright = upright.convert("RGBA" if alpha else "RGB")
    if upright.mode == "P":
        upright = upright.convert("RGBA" if alpha else "RGB")
    elif upright.mode in ("L", "RGB") and alpha:
        upright = upright.convert("LA" if upright.mode == "L" else "RGBA")
    icc = image.info.get("icc_profile")
    if icc:
        upright = _to_srgb(upright, icc)
    if upright.mode == "CMYK":
        upright = upright.convert("RGB")
    upright.info = {}
    return upright


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A profile that cannot be read: the pixels as they are, read as sRGB.
        return image
    return converted if converted is not None else image


def _encode(image: Image.Image, format: str) -> bytes:
    out = io.BytesIO()
    if format == "jpeg":
        if image.mode not in ("L", "RGB"):
            image = _flatten(image)
        image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """On white: JPEG has no transparency."""
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, OG_BACKGROUND)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


# --- renditions --------------------------------------------------------------------------------


def open_stored(data: bytes) -> Image.Image:
    """One of the library's own stored files (already checked), decoded once for its renditions."""
    image = Image.open(io.BytesIO(data), formats=("PNG", "JPEG"))
    image.load()
    return image


def scaled(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` at ``width`` × ``height`` (itself, copied, at its own size)."""
    if image.size == (width, height):
        return image.copy()
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encoded_as(image: Image.Image, format: str) -> bytes:
    """A rendition's bytes: ``format`` is "webp", "jpeg" or "png"; no metadata."""
    image.info = {}
    if format != "webp":
        return _encode(image, format)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def resized(image: Image.Image, width: int, height: int, format: str) -> bytes:
    """A stored image at ``width`` × ``height``, as ``format`` ("webp", "jpeg" or "png")."""
    return encoded_as(scaled(image, width, height), format)


def og_crop(image: Image.Image, focal_x: float, focal_y: float, size: tuple[int, int]) -> bytes:
    """The Open Graph image: ``size`` (1200 × 630), the largest crop of that shape around the
    focal point, scaled to fit (up, if the image is smaller), as JPEG on white."""
    width, height = image.size
    target_w, target_h = size
    ratio = target_w / target_h
    crop_w, crop_h = (width, width / ratio) if width / height <= ratio else (height * ratio, height)
    left = min(max(focal_x * width - crop_w / 2, 0), width - crop_w)
    top = min(max(focal_y * height - crop_h / 2, 0), height - crop_h)
    box = (left, top, left + crop_w, top + crop_h)
    cropped = image.resize(size, Image.Resampling.LANCZOS, box=box)
    cropped.info = {}
    return _encode(cropped if cropped.mode == "RGB" else _flatten(cropped), "jpeg")
