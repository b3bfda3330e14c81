"""ALTO files in the style of real libraries, generated from their published profiles (no library files are
committed). One short two-column English story with words hyphenated across lines and across the column
break, written the way each producer writes it:

* NDNP (Library of Congress, Chronicling America): ALTO 2.0 in the ns-v2 namespace, ``MeasurementUnit``
  inch1200, ``OCRProcessing`` with ``ocrProcessingStep``, ``String``/``SP`` with ``WC`` and ``CC``, hyphenated
  words as ``HypPart1`` + ``HYP`` … ``HypPart2`` with ``SUBS_CONTENT``.
* Europeana / BnF (docWorks): ALTO 1.4 without a namespace, ``mm10`` (the 1.x default) or ``pixel``, docWorks
  IDs (``PAG_1_TB000001``), ``TextStyle``/``ParagraphStyle``, blocks chained by ``IDNEXT``.
* Gallica / BnL: ALTO 3.1 in the ns-v3 namespace, pixel units, ``Tags`` with a ``LayoutTag``.

``STORY`` holds the text as printed, ``EXPECTED`` the text a reader must produce in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

DPI = 300
# Printed lines per column; a trailing "-" is a hyphenated word continued on the next line (of the flow).
COLUMN_1 = ("The harbour commission met on Mon-", "day to discuss the new pier and the", "dredging of the chan-")
COLUMN_2 = ("nel, which ships have found too shal-", "low since the spring floods.")
HEADLINE = "Harbour Plans Approved"
EXPECTED_BODY = (
    "The harbour commission met on Monday to discuss the new pier and the dredging of the channel, "
    "which ships have found too shallow since the spring floods."
)
EXPECTED = (HEADLINE, EXPECTED_BODY)

# Pixel geometry at 300 dpi of the printed page: headline across both columns, then the two columns.
PAGE_PX = (2400, 1400)
HEAD_PX = (100, 100, 2300, 220)
COLUMN_X = ((100, 1150), (1250, 2300))
BODY_TOP, LINE_PX = 300, 60


@dataclass(frozen=True)
class Profile:
    name: str
    namespace: str | None
    schema: str  # file in the shared schema folder
    schema_location: str | None
    unit: str  # MeasurementUnit
    ids: str  # ID style: "ndnp", "docworks" or "bnl"


NDNP = Profile(
    "ndnp",
    "http://www.loc.gov/standards/alto/ns-v2#",
    "alto-2-0.xsd",
    "http://www.loc.gov/standards/alto/alto-v2.0.xsd",
    "inch1200",
    "ndnp",
)
BNF = Profile("bnf", None, "alto-1-4.xsd", None, "mm10", "docworks")
BNF_PIXEL = Profile("bnf-pixel", None, "alto-1-4.xsd", None, "pixel", "docworks")
BNL = Profile(
    "bnl",
    "http://www.loc.gov/standards/alto/ns-v3#",
    "alto-3-1.xsd",
    "http://www.loc.gov/standards/alto/v3/alto-3-1.xsd",
    "pixel",
    "bnl",
)
PROFILES = (NDNP, BNF, BNF_PIXEL, BNL)
UNITS_PER_PIXEL = {"pixel": 1.0, "mm10": 254 / DPI, "inch1200": 1200 / DPI}


class _Builder:
    def __init__(self, profile: Profile):
        self.p = profile
        self.k = UNITS_PER_PIXEL[profile.unit]
        self.counter = 0

    def el(self, parent, tag: str, **attrs):
        name = f"{{{self.p.namespace}}}{tag}" if self.p.namespace else tag
        e = etree.Element(name) if parent is None else etree.SubElement(parent, name)
        for key, value in attrs.items():
            e.set(key, str(value))
        return e

    def geom(self, x0: float, y0: float, x1: float, y1: float) -> dict[str, str]:
        # ALTO 1.4 blocks need integers; every version accepts them
        k = self.k
        return {
            "HPOS": str(round(x0 * k)),
            "VPOS": str(round(y0 * k)),
            "WIDTH": str(round((x1 - x0) * k)),
            "HEIGHT": str(round((y1 - y0) * k)),
        }

    def ident(self, kind: str, n: int) -> str:
        return {"ndnp": f"P1_{kind}{n:05d}", "docworks": f"PAG_1_{kind}{n:06d}", "bnl": f"P1_{kind}{n:05d}"}[self.p.ids]

    def text_line(self, block, n: int, text: str, x0: int, y0: int, x1: int, hyph_words: tuple[str | None, str | None]):
        """A TextLine of ``text``; ``hyph_words`` = (whole word ending this line, whole word starting it)."""
        y1 = y0 + LINE_PX - 10
        line = self.el(block, "TextLine", ID=self.ident("TL", n), **self.geom(x0, y0, x1, y1))
        words = text.split()
        char_px = (x1 - x0) / max(1, len(text))
        pos = 0
        for j, word in enumerate(words):
            start = text.index(word, pos)
            pos = start + len(word)
            last = j == len(words) - 1
            content = word[:-1] if last and hyph_words[0] else word
            wx0, wx1 = x0 + start * char_px, x0 + (start + len(content)) * char_px
            if j:
                self.el(line, "SP", **{k: v for k, v in self.geom(wx0 - char_px, y0, wx0, y1).items() if k != "HEIGHT"})
            self.counter += 1
            attrs = {
                "ID": self.ident("ST", self.counter),
                **self.geom(wx0, y0, wx1, y1),
                "CONTENT": content,
                "WC": "0.93",
            }
            if self.p.ids == "ndnp":
                attrs["CC"] = "0" * len(content)
            if j == 0 and hyph_words[1]:
                attrs.update(SUBS_TYPE="HypPart2", SUBS_CONTENT=hyph_words[1])
            if last and hyph_words[0]:
                attrs.update(SUBS_TYPE="HypPart1", SUBS_CONTENT=hyph_words[0])
            self.el(line, "String", **attrs)
            if last and hyph_words[0]:
                hyp = {k: v for k, v in self.geom(wx1, y0, wx1 + char_px, y1).items() if k != "HEIGHT"}  # HYP has none
                self.el(line, "HYP", **hyp, CONTENT="-")
        return line


def _hyphenated(lines: list[str]) -> list[tuple[str | None, str | None]]:
    """For each line of the flow: (whole word ending it, whole word starting it) where a word is broken."""
    out: list[list[str | None]] = [[None, None] for _ in lines]
    for i in range(len(lines) - 1):
        if lines[i].endswith("-"):
            whole = (lines[i].split()[-1][:-1] + lines[i + 1].split()[0]).rstrip(",.")
            out[i][0], out[i + 1][1] = whole, whole
    return [tuple(x) for x in out]


def library_alto(profile: Profile) -> bytes:
    """The story as an ALTO file of ``profile``."""
    b = _Builder(profile)
    root = b.el(None, "alto")
    if profile.namespace:
        root = etree.Element(
            f"{{{profile.namespace}}}alto",
            nsmap={None: profile.namespace, "xsi": "http://www.w3.org/2001/XMLSchema-instance"},
        )
        root.set(
            "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation",
            f"{profile.namespace} {profile.schema_location}",
        )
    desc = b.el(root, "Description")
    b.el(desc, "MeasurementUnit").text = profile.unit
    info = b.el(desc, "sourceImageInformation")
    b.el(info, "fileName").text = {
        "ndnp": "/ndnp/batch_xx/sn12345678/1901010101/0001.jp2",
        "docworks": "X0000001.tif",
        "bnl": "00001.tif",
    }[profile.ids]
    ocr = b.el(desc, "OCRProcessing", ID="OCR_0")
    step = b.el(ocr, "ocrProcessingStep")
    sw = b.el(step, "processingSoftware")
    creator, name, version = {
        "ndnp": ("LizardTech", "Document Express with OCR", "6.0"),
        "docworks": ("CCS Content Conversion Specialists GmbH, Germany", "docWORKS", "6.5-1.28"),
        "bnl": ("CCS Content Conversion Specialists GmbH, Germany", "docWORKS", "7.4"),
    }[profile.ids]
    b.el(sw, "softwareCreator").text = creator
    b.el(sw, "softwareName").text = name
    b.el(sw, "softwareVersion").text = version
    styles = b.el(root, "Styles")
    b.el(styles, "TextStyle", ID="TXT_0", FONTFAMILY="Times New Roman", FONTSIZE="9")
    b.el(styles, "TextStyle", ID="TXT_1", FONTFAMILY="Times New Roman", FONTSIZE="22", FONTSTYLE="bold")
    if profile.ids == "docworks":
        b.el(styles, "ParagraphStyle", ID="PAR_LEFT", ALIGN="Left")
    if profile.ids == "bnl":
        tags = b.el(root, "Tags")
        b.el(tags, "LayoutTag", ID="LT_headline", TYPE="role", LABEL="headline")
    layout = b.el(root, "Layout")
    w, h = PAGE_PX
    page = b.el(
        layout,
        "Page",
        ID="PAG_1" if profile.ids == "docworks" else "P1",
        PHYSICAL_IMG_NR="1",
        HEIGHT=round(h * b.k),
        WIDTH=round(w * b.k),
    )
    ps = b.el(page, "PrintSpace", **b.geom(0, 0, w, h))

    head_attrs = {"ID": b.ident("TB", 1), **b.geom(*HEAD_PX), "STYLEREFS": "TXT_1"}
    if profile.ids == "bnl":
        head_attrs["TAGREFS"] = "LT_headline"
    if profile.ids == "docworks":
        head_attrs.update(IDNEXT=b.ident("TB", 2))
    head = b.el(ps, "TextBlock", **head_attrs)
    b.text_line(head, 1, HEADLINE, HEAD_PX[0], HEAD_PX[1], HEAD_PX[2], (None, None))

    flow = list(COLUMN_1 + COLUMN_2)
    marks = _hyphenated(flow)
    line_no = 2
    for c, column in enumerate((COLUMN_1, COLUMN_2)):
        x0, x1 = COLUMN_X[c]
        y1 = BODY_TOP + LINE_PX * len(column)
        attrs = {"ID": b.ident("TB", c + 2), **b.geom(x0, BODY_TOP, x1, y1), "STYLEREFS": "TXT_0"}
        if profile.ids == "docworks":
            attrs["STYLEREFS"] = "TXT_0 PAR_LEFT"
            if c == 0:
                attrs["IDNEXT"] = b.ident("TB", 3)
        block = b.el(ps, "TextBlock", **attrs)
        for i, text in enumerate(column):
            k = (0 if c == 0 else len(COLUMN_1)) + i
            b.text_line(block, line_no, text, x0, BODY_TOP + LINE_PX * i, x1, marks[k])
            line_no += 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------------------------------------- hostile

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE alto [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1:9/x">]>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="P1" PHYSICAL_IMG_NR="1" WIDTH="10" HEIGHT="10">
<PrintSpace HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><TextBlock ID="B1" HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10">
<TextLine HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><String CONTENT="&secret;&remote;"/></TextLine></TextBlock>
</PrintSpace></Page></Layout></alto>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE alto [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="P1" PHYSICAL_IMG_NR="1" WIDTH="10" HEIGHT="10">
<PrintSpace HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><TextBlock ID="B1" HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10">
<TextLine HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><String CONTENT="&lol9;"/></TextLine></TextBlock>
</PrintSpace></Page></Layout></alto>
"""
