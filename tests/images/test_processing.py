"""What the library does with an uploaded file: identified by its content, checked, re-encoded
without metadata; and the renditions drawn from the stored file."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from images import processing
from images.processing import ImageRefused, read_image

from .conftest import HOSTILE, drawing, encoded, jpeg, png, png_bomb

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _refusal(data: bytes, name: str = "") -> str:
    with pytest.raises(ImageRefused) as refused:
        read_image(data, name)
    return refused.value.message


# --- kept, by content --------------------------------------------------------------------------


def test_a_png_is_stored_as_png_and_a_jpeg_as_jpeg():
    kept = read_image(png((640, 480)))
    assert (kept.format, kept.width, kept.height) == ("png", 640, 480)
    assert _open(kept.data).format == "PNG"
    photo = read_image(jpeg((640, 480)))
    assert (photo.format, photo.width, photo.height) == ("jpeg", 640, 480)
    assert _open(photo.data).format == "JPEG"


def test_the_hash_is_of_the_stored_bytes():
    import hashlib

    kept = read_image(png())
    assert kept.sha256 == hashlib.sha256(kept.data).hexdigest()


def test_the_name_and_extension_do_not_decide_the_format():
    kept = read_image(jpeg(), "looks-like.png")
    assert kept.format == "jpeg"


def test_a_jpeg_is_stored_progressive():
    assert _open(read_image(jpeg()).data).info.get("progressive") == 1


def test_a_lossy_webp_photo_is_stored_as_jpeg():
    kept = read_image(encoded(drawing((500, 400)), "WEBP", quality=80))
    assert (kept.format, kept.width, kept.height) == ("jpeg", 500, 400)


def test_a_webp_with_transparency_is_stored_as_png_with_its_transparency():
    kept = read_image(encoded(drawing((500, 400), "RGBA"), "WEBP", quality=80))
    stored = _open(kept.data)
    assert kept.format == "png" and stored.mode == "RGBA"
    assert stored.getpixel((2, 397))[3] == 0  # the transparent background stays transparent


def test_a_lossless_webp_is_stored_as_png():
    assert read_image(encoded(drawing((300, 200)), "WEBP", lossless=True)).format == "png"


def test_a_greyscale_png_stays_greyscale():
    assert _open(read_image(png(mode="L")).data).mode == "L"


# --- refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_a_message(name):
    make, words = HOSTILE[name]
    message = _refusal(make(), name)
    assert words in message
    assert f"“{name}”" in message


def test_a_file_with_too_many_bytes_is_refused_before_anything_decodes_it(settings, monkeypatch):
    settings.MEDSITE_IMAGE_MAX_BYTES = 10_000
    data = jpeg((1200, 900))
    assert len(data) > 10_000

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image, "open", no_decoding)
    message = _refusal(data, "scan.jpg")
    assert message.startswith(
        f"“scan.jpg” is {len(data) / 1000:.0f} KB: the library takes files of up to 10 KB."
    )


def test_too_many_pixels_are_refused_from_the_header_before_the_pixels_are_decoded(settings, monkeypatch):
    settings.MEDSITE_IMAGE_MAX_PIXELS = 100_000

    def no_decoding(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    message = _refusal(png((400, 300)), "chart.png")
    assert message.startswith(
        "“chart.png” is 400 × 300 pixels: the library takes images of up to 0.1 megapixels"
    )


def test_a_very_long_side_is_refused(settings):
    settings.MEDSITE_IMAGE_MAX_SIDE = 1000
    assert "1,001 × 20 pixels" in _refusal(png((1001, 20)))


def test_pillows_own_bomb_warning_is_a_refusal(settings):
    # Within the library's own limits (raised here), but past Pillow's: refused all the same.
    settings.MEDSITE_IMAGE_MAX_PIXELS = 10**10
    settings.MEDSITE_IMAGE_MAX_SIDE = 10**6
    assert Image.MAX_IMAGE_PIXELS < 10_000 * 10_000
    assert "decompression bomb" in _refusal(png_bomb(10_000, 10_000))


def test_a_truncated_png_is_refused():
    whole = png((600, 400))
    assert "is cut short" in _refusal(whole[: len(whole) - 30])


def test_truncated_images_are_not_patched_up():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", b"GIF89a" + b"\x00" * 40, bytes(range(256)) * 4],
    ids=["pdf", "gif", "noise"],
)
def test_other_files_are_not_images(data):
    assert "is not a PNG, JPEG or WebP image" in _refusal(data, "thing.png")


def test_a_real_gif_is_refused_too():
    assert "is not a PNG, JPEG or WebP image" in _refusal(encoded(drawing((50, 50)), "GIF"))


def test_an_xml_file_is_refused_as_text():
    assert "is a text file (XML or markup)" in _refusal(b'<?xml version="1.0"?><note>hi</note>')


def test_an_empty_file_is_refused():
    assert "is empty" in _refusal(b"", "blank.png")


def test_an_animated_png_is_refused():
    frames = [drawing((100, 80)), drawing((100, 80)).rotate(180)]
    data = encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])
    assert "is animated" in _refusal(data)


def test_xmp_metadata_is_not_mistaken_for_a_polyglot():
    xmp = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jo Example</dc:creator>'
        b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    kept = read_image(jpeg(xmp=xmp))
    assert b"xmpmeta" not in kept.data and b"Jo Example" not in kept.data


# --- metadata stripped, orientation applied ---------------------------------------------------


def _exif_with_location() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # Make
    exif[0x0131] = "Example Editor 2.1"  # Software
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.2)})
    return exif


def test_the_camera_location_and_other_exif_are_gone_from_the_stored_file():
    upload = jpeg(exif=_exif_with_location())
    assert _open(upload).getexif().get_ifd(GPS_IFD)  # the upload has a location
    kept = read_image(upload)
    stored = _open(kept.data)
    assert not stored.getexif()
    assert b"Exif" not in kept.data and b"ExampleCam" not in kept.data


def test_png_text_exif_and_profile_are_gone_from_the_stored_file():
    info = PngInfo()
    info.add_text("Author", "Jo Example")
    info.add_itxt("Description", "Left knee, front view", zip=True)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = png(pnginfo=info, exif=_exif_with_location(), icc_profile=srgb)
    kept = read_image(upload)
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP", b"Jo Example"):
        assert chunk not in kept.data, chunk
    stored = _open(kept.data)
    assert "icc_profile" not in stored.info and not stored.getexif()


def test_a_jpeg_with_a_colour_profile_is_converted_and_the_profile_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    kept = read_image(jpeg(icc_profile=srgb))
    stored = _open(kept.data)
    assert "icc_profile" not in stored.info and b"ICC_PROFILE" not in kept.data
    red = stored.getpixel((400, 300))
    assert red[0] > 150 and red[1] < 90 and red[2] < 90  # the joint is still red


def test_the_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored on its side: turn 90° clockwise to show it
    kept = read_image(jpeg((800, 600), exif=exif))
    assert (kept.width, kept.height) == (600, 800)
    stored = _open(kept.data)
    assert sum(stored.getpixel((590, 10))) < 60  # the black corner mark is now top right
    assert sum(stored.getpixel((10, 10))) > 600


# --- renditions --------------------------------------------------------------------------------


def test_a_rendition_has_its_size_and_format():
    original = processing.open_stored(read_image(jpeg((1600, 1200))).data)
    webp = _open(processing.resized(original, 640, 480, "webp"))
    assert (webp.format, webp.size) == ("WEBP", (640, 480))
    fallback = _open(processing.resized(original, 320, 240, "jpeg"))
    assert (fallback.format, fallback.size) == ("JPEG", (320, 240))


def test_a_transparent_png_keeps_its_transparency_in_webp():
    original = processing.open_stored(read_image(png((800, 600), mode="RGBA")).data)
    webp = _open(processing.resized(original, 320, 240, "webp"))
    assert webp.mode == "RGBA" and webp.getpixel((2, 238))[3] == 0


def _halves(size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, (220, 30, 30))
    image.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    return processing.open_stored(read_image(encoded(image, "PNG")).data)


def test_the_open_graph_image_is_cropped_around_the_focal_point():
    wide = _halves((2400, 600))  # red left half, blue right half
    left = _open(processing.og_crop(wide, 0.0, 0.5, (1200, 630)))
    right = _open(processing.og_crop(wide, 1.0, 0.5, (1200, 630)))
    assert left.size == right.size == (1200, 630) and left.format == "JPEG"
    assert left.getpixel((600, 315))[0] > 150  # red
    assert right.getpixel((600, 315))[2] > 150  # blue


def test_a_small_image_is_scaled_up_for_open_graph():
    small = _halves((300, 200))
    og = _open(processing.og_crop(small, 0.5, 0.5, (1200, 630)))
    assert og.size == (1200, 630)


# --- other kinds of image, as cameras and editors write them -----------------------------------


def test_a_script_in_an_exif_field_is_a_polyglot():
    exif = Image.Exif()
    exif[0x010E] = "<script>alert(1)</script>"  # ImageDescription
    assert "web page code (HTML or script) hidden in it" in _refusal(jpeg(exif=exif))


def test_a_cmyk_jpeg_is_stored_as_rgb():
    kept = read_image(encoded(drawing((300, 200)).convert("CMYK"), "JPEG", quality=90))
    stored = _open(kept.data)
    assert (kept.format, stored.mode) == ("jpeg", "RGB")
    red = stored.getpixel((150, 100))
    assert red[0] > 150 and red[1] < 100


def test_a_16_bit_greyscale_png_is_stored_as_8_bit():
    deep = Image.new("I;16", (200, 100), 40000)
    kept = read_image(encoded(deep, "PNG"))
    stored = _open(kept.data)
    assert stored.mode == "L" and 150 < stored.getpixel((10, 10)) < 160


def test_a_palette_png_keeps_its_transparency():
    palette = drawing((200, 100), "RGBA").convert("P")
    palette.info["transparency"] = palette.getpixel((199, 99))
    kept = read_image(encoded(palette, "PNG", transparency=palette.getpixel((199, 99))))
    stored = _open(kept.data)
    assert stored.mode == "RGBA" and stored.getpixel((199, 99))[3] == 0
