"""The hostile-input corpus (issue 17), made by code so that no hostile blob is committed.

Each generator writes its case into a folder and returns the path(s) a command is given; `test_hostile.py`
runs the library and the commands on them and says what must happen (a one-line error or a clean result,
within a time and memory budget). Grow it with every new case: a generator here, an expectation there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PIL import Image

# Markup a hostile file may put into any field that reaches the HTML report.
XSS_PAYLOADS = [
    '"><script>window.__xss=1</script>',
    "<img src=x onerror=window.__xss=1>",
    "</title><svg onload=window.__xss=1>",
    "javascript:window.__xss=1",
    "' onmouseover='window.__xss=1",
]


# ------------------------------------------------------------------------------------------ our page JSON


def page_json(
    width=1000,
    height=800,
    boxes=None,
    texts=("甲乙丙丁", "戊己庚辛"),
    block_id="TB0001",
    article_id="A1",
    source_path="page.png",
) -> dict:
    boxes = boxes or [[10, 10, 500, 60], [10, 80, 500, 130]]
    lines = [{"text": t, "box": b} for t, b in zip(texts, boxes)]
    page = {
        "width": width,
        "height": height,
        "source": {"path": source_path},
        "blocks": [{"id": block_id, "order": 0, "article_id": article_id, "role": "body", "lines": lines}],
    }
    return {"format": "digitize-page", "version": "1", "page": page}


def xss_json_cases() -> dict[str, dict]:
    """A page JSON with a payload in one field each: numbers, ids, text, the image path."""
    cases = {}
    for k, payload in enumerate(XSS_PAYLOADS):
        cases[f"width-{k}"] = page_json(width=payload)
        cases[f"height-{k}"] = page_json(height="1 " + payload)
        cases[f"box-{k}"] = page_json(boxes=[[10, 10, payload, 60], [10, 80, 500, 130]])
        cases[f"text-{k}"] = page_json(texts=(payload, "戊己庚辛"))
        cases[f"block-id-{k}"] = page_json(block_id=payload)
        cases[f"article-id-{k}"] = page_json(article_id=payload)
        cases[f"source-{k}"] = page_json(source_path=payload)
    return cases


def write_json(path: Path, doc) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def lone_surrogate_json(path: Path) -> Path:
    path.write_bytes(json.dumps(page_json()).replace("甲", "\\ud800").replace("\\u7532", "\\ud800").encode())
    return path


def deep_json(path: Path, depth: int = 100_000) -> Path:
    path.write_bytes(b'{"format": "digitize-page", "page": ' + b"[" * depth + b"]" * depth + b"}")
    return path


def string_box_json(path: Path) -> Path:
    return write_json(path, page_json(boxes=["10 10 500 60", [10, 80, 500, 130]]))


# ------------------------------------------------------------------------------------------------ ALTO


def alto(
    strings=(("甲乙丙丁", 10, 10), ("戊己庚辛", 10, 80)),
    file_name: str | None = "page.png",
    page_attrs: str = 'WIDTH="1000" HEIGHT="800"',
    string_attrs: str = "",
    style: str = "",
    block_id: str = "TB1",
    encoding: str = "UTF-8",
) -> str:
    """A small ALTO 4 page: two lines in one block; the arguments put hostile values where they go."""
    info = (
        f"<sourceImageInformation><fileName>{file_name}</fileName></sourceImageInformation>"
        if file_name is not None
        else ""
    )
    lines = "".join(
        f'<TextLine HPOS="{x}" VPOS="{y}" WIDTH="490" HEIGHT="50"><String CONTENT="{t}" HPOS="{x}" VPOS="{y}" '
        f'WIDTH="490" HEIGHT="50" {string_attrs}/></TextLine>'
        for t, x, y in strings
    )
    styles = f'<Styles><TextStyle ID="S1" {style}/></Styles>' if style else ""
    refs = ' STYLEREFS="S1"' if style else ""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">'
        f"<Description><MeasurementUnit>pixel</MeasurementUnit>{info}</Description>{styles}"
        f'<Layout><Page ID="P1" {page_attrs}><PrintSpace><TextBlock ID="{block_id}" HPOS="10" VPOS="10" '
        f'WIDTH="490" HEIGHT="120"{refs}>{lines}</TextBlock></PrintSpace></Page></Layout></alto>'
    )


def bad_number_altos() -> dict[str, str]:
    """ALTO with a value that is not a finite number where the schema wants one."""
    return {
        "hpos-inf": alto(strings=(("甲乙", "inf", 10),)),
        "hpos-huge": alto(strings=(("甲乙", "1e308", 10),)),
        "vpos-nan": alto(strings=(("甲乙", 10, "nan"),)),
        "fontsize-big": alto(style='FONTSIZE="big"'),
        "fontsize-inf": alto(style='FONTSIZE="inf"'),
        "wc-text": alto(string_attrs='WC="high"'),
        "page-width-inf": alto(page_attrs='WIDTH="1e400" HEIGHT="800"'),
    }


def hocr(title_word: str = "bbox 10 10 500 60; x_wconf 95", title_line: str = "bbox 10 10 500 60") -> str:
    return (
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body>'
        '<div class="ocr_page" title="bbox 0 0 1000 800"><p class="ocr_par">'
        f'<span class="ocr_line" title="{title_line}"><span class="ocrx_word" title="{title_word}">甲乙丙丁</span>'
        "</span></p></div></body></html>"
    )


def bad_number_hocrs() -> dict[str, str]:
    return {
        "wconf-999": hocr(title_word="bbox 10 10 500 60; x_wconf 9.9.9"),
        "wconf-inf": hocr(title_word="bbox 10 10 500 60; x_wconf inf"),
        "bbox-huge": hocr(title_line="bbox 10 10 99999999999999999999999 60"),
    }


def page_xml(points: str = "10,10 500,10 500,60 10,60", conf: str = "0.9", width: str = "1000") -> str:
    ns = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><PcGts xmlns="{ns}"><Page imageFilename="page.png" '
        f'imageWidth="{width}" imageHeight="800"><TextRegion id="r1"><Coords points="{points}"/>'
        f'<TextLine id="l1"><Coords points="{points}"/><TextEquiv conf="{conf}"><Unicode>甲乙丙丁</Unicode>'
        "</TextEquiv></TextLine></TextRegion></Page></PcGts>"
    )


def bad_number_pages() -> dict[str, str]:
    return {
        "points-one-number": page_xml(points="10"),
        "points-inf": page_xml(points="10,10 inf,10 500,60"),
        "conf-high": page_xml(conf="high"),
        "width-text": page_xml(width="wide"),
    }


# --------------------------------------------------------------------------------- images named in XML


def page_image(path: Path, size=(1000, 800)) -> Path:
    Image.new("L", size, 255).save(path)
    return path


def eps_named_png(path: Path) -> Path:
    """PostScript under an image name: Pillow would hand it to Ghostscript."""
    path.write_bytes(
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 0 0 moveto 100 100 lineto "
        b"stroke showpage\n%%EOF\n"
    )
    return path


def named_image_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    """(hypothesis ALTO, what the report must not embed) per way of naming a file outside what was given."""
    outside = folder / "outside"
    outside.mkdir()
    secret = page_image(outside / "secret.png")
    inside = folder / "given"
    inside.mkdir()
    (inside / "link.png").symlink_to(secret)
    os.mkfifo(inside / "fifo.png")
    eps_named_png(inside / "eps.png")
    cases = {}
    for name, named in [
        ("absolute", str(secret)),
        ("dotdot", "../outside/secret.png"),
        ("symlink", "link.png"),
        ("fifo", "fifo.png"),
        ("eps", "eps.png"),
        ("device", "/dev/zero"),
    ]:
        hyp = inside / f"{name}.alto.xml"
        hyp.write_text(alto(file_name=named), encoding="utf-8")
        cases[name] = (hyp, named)
    return cases


# ---------------------------------------------------------------------------------------- output names


def multi_page_tiff(path: Path, pages: int = 2, size=(200, 150)) -> Path:
    frames = [Image.new("L", size, 255) for _ in range(pages)]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])
    return path


def animated_png(path: Path, frames: int = 3, size=(200, 150)) -> Path:
    images = [Image.new("L", size, 60 * k) for k in range(frames)]
    images[0].save(path, "PNG", save_all=True, append_images=images[1:])
    return path


def mpo_jpeg(path: Path, frames: int = 2, size=(200, 150)) -> Path:
    images = [Image.new("RGB", size, (60 * k,) * 3) for k in range(frames)]
    images[0].save(path, "MPO", save_all=True, append_images=images[1:])
    return path


# ---------------------------------------------------------------------------------------------- PDFs


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of the numbered objects, with a correct xref table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, compress: bool = True) -> bytes:
    import zlib

    if compress:
        packed = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_page(
    content: bytes, resources: bytes = b"<< >>", media_box: bytes = b"[0 0 595 842]", extra: list[bytes] | None = None
) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + b" /Resources " + resources + b" /Contents 4 0 R >>",
        _stream(content),
    ]
    return pdf_file(objects + (extra or []))


def pdf_self_referencing_resources() -> bytes:
    """The page's /Resources is object 5, which is a reference to itself."""
    return pdf_page(b"BT /F1 12 Tf 72 720 Td (x) Tj ET", resources=b"5 0 R", extra=[b"5 0 R"])


def pdf_many_q(count: int = 20_000_000) -> bytes:
    """A blank page whose content stream saves and restores the graphics state ``count`` times."""
    return pdf_page(b"q Q\n" * count)


def pdf_many_glyphs(count: int = 2_000_000) -> bytes:
    """A 2 kB PDF that draws ``count`` characters (one text-show of a long string, compressed)."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    content = b"BT /F1 1 Tf 0 0 Td (" + b"x" * count + b") Tj ET"
    return pdf_page(content, resources=b"<< /Font << /F1 5 0 R >> >>", extra=[font])


def pdf_huge_page(inches: float = 47) -> bytes:
    side = int(inches * 72)
    return pdf_page(b"", media_box=b"[0 0 %d %d]" % (side, side))
