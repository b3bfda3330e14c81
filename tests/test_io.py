"""Loading inputs: sniffing by content, one-line errors, image modes, multi-frame TIFF, PDFs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bad_inputs import png_header_only
from conftest import BORN_DIGITAL_HEADLINE, BORN_DIGITAL_LINES, render_page
from PIL import Image

from digitize import to_text
from digitize.io import InputError, load, page_count, sniff, to_gray


def load_error(path: Path, **options) -> InputError:
    with pytest.raises(InputError) as info:
        list(load(path, **options))
    return info.value


def assert_one_line(exc: InputError, path: Path, fragment: str) -> None:
    message = str(exc)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(f"{path}: "), message
    assert exc.path == str(path)
    assert fragment in message, message


def gray(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L"), dtype=np.int16)


# ------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def page_png(small_page) -> Path:
    return small_page.path


@pytest.fixture(scope="module")
def scanned_pdf(small_page_image, rendered_dir) -> Path:
    """An image-only PDF of the small page: 1000×700 px at 300 dpi."""
    path = rendered_dir / "scan.pdf"
    small_page_image.save(path, "PDF", resolution=300)
    return path


@pytest.fixture(scope="module")
def encrypted_pdf(scanned_pdf, rendered_dir) -> Path:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(scanned_pdf))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    path = rendered_dir / "encrypted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


# ------------------------------------------------------------------------------- sniff and errors


def test_missing_file(tmp_path):
    path = tmp_path / "nope.png"
    assert_one_line(load_error(path), path, "no such file")
    with pytest.raises(InputError, match="no such file"):
        sniff(path)


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    assert_one_line(load_error(path), path, "empty file")


def test_text_file_named_png(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("These are my notes, not a picture.\nSecond line.\n", encoding="utf-8")
    assert_one_line(load_error(path), path, "text file")


def test_html_named_png(tmp_path):
    path = tmp_path / "download.png"
    path.write_text("<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n", encoding="utf-8")
    err = load_error(path)
    assert_one_line(err, path, "HTML")
    assert "text file" not in str(err)  # the more specific reason wins


def test_unknown_binary(tmp_path):
    path = tmp_path / "blob.png"
    path.write_bytes(bytes(range(256)) * 4)
    assert_one_line(load_error(path), path, "unknown file type")


def test_directory(tmp_path):
    folder = tmp_path / "folder.png"
    folder.mkdir()
    assert_one_line(load_error(folder), folder, "directory")


def test_pdf_renamed_jpg_loads_as_pdf(scanned_pdf, tmp_path):
    path = tmp_path / "really_a_pdf.jpg"
    path.write_bytes(scanned_pdf.read_bytes())
    assert sniff(path) == ("pdf", "application/pdf")
    pages = list(load(path))
    assert len(pages) == 1
    assert pages[0].source.kind == "pdf-scan"
    assert pages[0].source.mime == "application/pdf"


def test_png_named_pdf_loads_as_png(page_png, tmp_path):
    path = tmp_path / "really_a_png.pdf"
    path.write_bytes(page_png.read_bytes())
    (page,) = load(path)
    assert page.source.kind == "image" and page.source.mime == "image/png"


@pytest.mark.parametrize("fmt,suffix", [("PNG", ".png"), ("JPEG", ".jpg")])
def test_truncated_image(small_page_image, tmp_path, fmt, suffix):
    whole = tmp_path / f"whole{suffix}"
    small_page_image.save(whole, fmt)
    data = whole.read_bytes()
    path = tmp_path / f"truncated{suffix}"
    path.write_bytes(data[: len(data) // 2])
    assert_one_line(load_error(path), path, "corrupt or truncated")


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ngarbage \x00\xff\x10 trailer <<>>\n"
    )
    assert_one_line(load_error(path), path, "corrupt PDF")


def test_truncated_pdf(scanned_pdf, tmp_path):
    data = scanned_pdf.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    err = load_error(path)
    assert_one_line(err, path, "PDF")
    assert "corrupt" in str(err) or "no pages" in str(err) or "cannot be rendered" in str(err)


def test_encrypted_pdf_without_password(encrypted_pdf):
    assert_one_line(load_error(encrypted_pdf), encrypted_pdf, "encrypted")
    assert "--pdf-password" in str(load_error(encrypted_pdf))


def test_encrypted_pdf_wrong_password(encrypted_pdf):
    err = load_error(encrypted_pdf, password="wrong")
    assert_one_line(err, encrypted_pdf, "encrypted")
    assert "wrong" in str(err)


def test_encrypted_pdf_with_password(encrypted_pdf):
    pages = list(load(encrypted_pdf, password="s3cret"))
    assert len(pages) == 1
    assert pages[0].source.kind == "pdf-scan"
    assert page_count(encrypted_pdf, password="s3cret") == 1


# ------------------------------------------------------------------------------------- formats


def test_png_roundtrip_and_source(page_png, small_page_image):
    (page,) = load(page_png)
    assert page.image.dtype == np.uint8 and page.image.ndim == 2
    assert page.image.shape == (700, 1000)
    assert np.array_equal(page.image, np.asarray(small_page_image))
    assert page.source.index == 0
    assert page.source.kind == "image"
    assert page.source.dpi == 300
    assert len(page.source.sha256) == 64
    assert page_count(page_png) == 1


def test_16bit_png(small_page_image, tmp_path):
    arr16 = np.asarray(small_page_image, dtype=np.uint16) * 257  # full 16-bit range
    path = tmp_path / "sixteen.png"
    Image.fromarray(arr16).save(path)
    with Image.open(path) as check:
        assert check.mode.startswith("I")
    (page,) = load(path)
    assert page.image.dtype == np.uint8
    diff = np.abs(page.image.astype(np.int16) - gray(small_page_image))
    assert diff.max() <= 1


def test_cmyk_jpeg(small_page_image, tmp_path):
    path = tmp_path / "cmyk.jpg"
    small_page_image.convert("CMYK").save(path, "JPEG", quality=95)
    with Image.open(path) as check:
        assert check.mode == "CMYK"
    (page,) = load(path)
    ref = gray(small_page_image)
    assert np.abs(page.image.astype(np.int16) - ref).mean() < 6
    assert page.image[ref == 255].mean() > 245  # paper stays white, not inverted
    assert page.image[ref == 0].mean() < 60  # ink stays dark


def test_palette_png(small_page_image, tmp_path):
    path = tmp_path / "palette.png"
    small_page_image.convert("P").save(path)
    with Image.open(path) as check:
        assert check.mode == "P"
    (page,) = load(path)
    assert np.abs(page.image.astype(np.int16) - gray(small_page_image)).mean() < 3


def test_rgba_transparent_background_becomes_white(small_page_image, tmp_path):
    ink = 255 - np.asarray(small_page_image)  # ink opacity
    rgba = np.zeros((*ink.shape, 4), dtype=np.uint8)  # black, transparent
    rgba[..., 3] = ink
    path = tmp_path / "transparent.png"
    Image.fromarray(rgba, "RGBA").save(path)
    (page,) = load(path)
    ref = gray(small_page_image)
    assert page.image[ref == 255].min() == 255  # background: white, not the black of its RGB
    assert page.image[ref == 0].max() == 0
    assert np.abs(page.image.astype(np.int16) - ref).max() <= 2


def test_palette_png_with_transparency(tmp_path):
    img = Image.new("P", (64, 64), 0)
    img.putpalette([0, 0, 0, 0, 0, 0] + [0] * 762)  # index 0 and 1: both black
    img.paste(1, (16, 16, 48, 48))
    path = tmp_path / "ptrans.png"
    img.save(path, transparency=0)
    (page,) = load(path)
    assert page.image[0, 0] == 255  # transparent index → white
    assert page.image[32, 32] == 0


def test_one_bit_tiff(small_page_image, tmp_path):
    path = tmp_path / "bilevel.tif"
    small_page_image.convert("1").save(path, compression="group4")
    (page,) = load(path)
    assert page.image.dtype == np.uint8
    assert set(np.unique(page.image)) <= {0, 255}
    ref = gray(small_page_image)
    assert (page.image[ref == 255] == 255).all()
    assert (page.image[ref == 0] == 0).all()


def test_multipage_tiff(small_page_image, tmp_path):
    frames = [small_page_image, small_page_image.rotate(180), small_page_image.resize((800, 560))]
    path = tmp_path / "three.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    assert sniff(path) == ("tiff", "image/tiff")
    assert page_count(path) == 3
    pages = list(load(path))
    assert [p.source.index for p in pages] == [0, 1, 2]
    assert [p.image.shape for p in pages] == [(700, 1000), (700, 1000), (560, 800)]
    assert np.array_equal(pages[1].image, gray(frames[1]).astype(np.uint8))
    assert len({p.source.sha256 for p in pages}) == 1


def test_load_is_lazy(small_page_image, tmp_path):
    """A generator: the second frame's failure comes only after the first page was yielded."""
    path = tmp_path / "two.tif"
    small_page_image.save(path, save_all=True, append_images=[small_page_image.resize((8, 8))])
    pages = load(path)
    first = next(pages)
    assert first.source.index == 0
    with pytest.raises(InputError, match="too small"):
        next(pages)


def test_decompression_bomb_default_limit(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(50_000, 50_000))
    err = load_error(path)
    # The size guard fires (not a truncation error from decoding) and names the limit.
    assert_one_line(err, path, "over the limit of 120,000,000")
    assert "50000×50000" in str(err)


def test_max_pixels_option(page_png):
    err = load_error(page_png, max_pixels=500_000)
    assert_one_line(err, page_png, "over the limit of 500,000")
    assert "--max-pixels" in str(err)
    assert len(list(load(page_png, max_pixels=700_000))) == 1  # exactly at the limit is fine


def test_tiny_image_refused(tmp_path):
    path = tmp_path / "tiny.png"
    Image.new("L", (8, 8), 255).save(path)
    assert_one_line(load_error(path), path, "too small")


def test_to_gray_modes():
    white_rgba = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert (to_gray(white_rgba) == 255).all()
    la = Image.new("LA", (4, 4), (0, 0))
    assert (to_gray(la) == 255).all()
    i16_low = Image.fromarray(np.full((4, 4), 200, dtype=np.uint16))  # 16-bit container, 8-bit values
    assert (to_gray(i16_low) == 200).all()
    f = Image.fromarray(np.full((4, 4), 300.0, dtype=np.float32))
    assert (to_gray(f) == 255).all()
    rgb = Image.new("RGB", (4, 4), (255, 0, 0))
    out = to_gray(rgb)
    assert out.dtype == np.uint8 and out.shape == (4, 4) and 70 <= out[0, 0] <= 80


# ------------------------------------------------------------------------------------------ PDFs


def test_scanned_pdf(scanned_pdf):
    assert page_count(scanned_pdf) == 1
    (page,) = load(scanned_pdf)
    assert page.source.kind == "pdf-scan"
    assert page.text_layer is None
    assert page.source.dpi == 300
    h, w = page.image.shape
    assert abs(w - 1000) <= 2 and abs(h - 700) <= 2
    assert page.image.mean() > 200  # white paper with some ink
    assert (page.image < 80).sum() > 1000


def test_multipage_scanned_pdf(small_page_image, rendered_dir, tmp_path):
    other = render_page(tmp_path / "other.png", headline="第二页", n_lines=2).path
    path = tmp_path / "two_pages.pdf"
    with Image.open(other) as second:
        small_page_image.save(path, "PDF", resolution=300, save_all=True, append_images=[second.convert("L")])
    assert page_count(path) == 2
    pages = list(load(path, dpi=150))
    assert [p.source.index for p in pages] == [0, 1]
    assert all(p.source.kind == "pdf-scan" for p in pages)
    assert all(abs(p.image.shape[1] - 500) <= 2 for p in pages)


def test_born_digital_pdf_has_text_layer(born_digital_pdf):
    (page,) = load(born_digital_pdf)
    assert page.source.kind == "pdf-text"
    assert page.text_layer
    text = "".join(c.text for c in page.text_layer)
    assert text.startswith(BORN_DIGITAL_HEADLINE.replace(" ", "")[:10])
    # 200×140 mm at 300 dpi
    assert page.image.shape == (1654, 2362) or abs(page.image.shape[1] - 2362) <= 2
    head = page.text_layer[0]
    assert head.size_px == pytest.approx(28 * 300 / 72, rel=0.01)
    x0, y0, x1, y1 = head.box
    assert 0 <= x0 < x1 <= page.image.shape[1] and 0 <= y0 < y1 <= page.image.shape[0]


def test_dpi_changes_pdf_page_size(born_digital_pdf):
    (hi,) = load(born_digital_pdf, dpi=300)
    (lo,) = load(born_digital_pdf, dpi=150)
    assert lo.source.dpi == 150
    assert abs(hi.image.shape[1] - 2 * lo.image.shape[1]) <= 2
    assert abs(hi.image.shape[0] - 2 * lo.image.shape[0]) <= 2
    assert lo.text_layer[0].size_px == pytest.approx(hi.text_layer[0].size_px / 2, rel=0.01)


def _norm(s: str) -> str:
    return "".join(s.replace("#", "").split())


def test_born_digital_pdf_is_read_without_ocr(born_digital_pdf, monkeypatch):
    from digitize import process
    from digitize.ocr.ppocr import PPOCREngine

    def no_ocr(self, image, regions):
        raise AssertionError("OCR must not run on a page with a text layer")

    monkeypatch.setattr(PPOCREngine, "recognize", no_ocr)
    doc = process(born_digital_pdf)
    (page,) = doc.pages
    assert page.source.kind == "pdf-text"
    assert "text layer" in page.engine
    text = to_text(doc)
    assert _norm(text) == _norm(BORN_DIGITAL_HEADLINE + "".join(BORN_DIGITAL_LINES))
    assert text.lstrip().startswith("## City Council")


def test_born_digital_pdf_keeps_word_spaces(born_digital_pdf):
    from digitize import process

    class NoOCR:
        name = description = "none"

        def recognize(self, image, regions):
            raise AssertionError("no OCR")

    text = to_text(process(born_digital_pdf, engine=NoOCR(), dpi=150))
    for line in BORN_DIGITAL_LINES:
        assert line in text


def test_input_error_is_one_line_even_for_multiline_reasons(tmp_path):
    err = InputError(tmp_path / "x.pdf", "corrupt PDF (PSSyntaxError: bad token\n  at offset 12\r\n)")
    assert str(err) == f"{tmp_path / 'x.pdf'}: corrupt PDF (PSSyntaxError: bad token at offset 12 )"
    assert err.path == str(tmp_path / "x.pdf")


def test_jpeg_exif_orientation_is_applied(small_page_image, tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise
    small_page_image.save(path, "JPEG", quality=95, exif=exif)
    (page,) = load(path)
    assert page.image.shape == (1000, 700)  # upright: portrait
    upright = gray(small_page_image.transpose(Image.Transpose.ROTATE_270))
    assert np.abs(page.image.astype(np.int16) - upright).mean() < 6
