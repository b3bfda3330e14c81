"""METS for a newspaper issue, in one of three profiles (``profile``): ``enmap`` (Europeana Newspapers
METS/ALTO profile, the default: what European newspaper libraries ingest), ``ndnp`` (Library of Congress
National Digital Newspaper Program) and ``ocrd`` (an OCR-D workspace: ``ocrd workspace validate`` passes).
docs/mets-profiles.md lists, per profile, every field and where it comes from.

* ``mets`` with ``OBJID`` (the issue identifier), ``LABEL``, ``TYPE`` and ``PROFILE``; ``metsHdr`` with
  ``CREATEDATE`` and agents (the institution as CREATOR when known, digitize as the software);
* MODS ``dmdSec`` for the issue (title, identifiers, publisher, place, date, edition, volume and issue
  number, language, rights as ``accessCondition``) and one per article (title, subtitle, authors, language);
* ``amdSec``: per page image a ``techMD`` with MIX (size, resolution, colour, bits, compression, SHA-256) and
  a ``rightsMD``; one ``digiprovMD`` naming the software that made the text;
* ``fileSec``: image and ALTO groups (and PAGE when given), ``FLocat LOCTYPE="OTHER" OTHERLOCTYPE="FILE"``
  with the file's path relative to the METS file (portable: the package can move), checksums and sizes;
* PHYSICAL ``structMap``: the pages with their identifiers in ``CONTENTIDS``;
* LOGICAL ``structMap`` (ENMAP levels): NEWSPAPER > ISSUE > CONTENT > ARTICLE (ADVERTISEMENT for an
  advertisement) > HEADING > TITLE, and BODY > BODY_CONTENT > PARAGRAPH, whose ``area``s point into the ALTO
  by block ID (``BETYPE="IDREF"``). An article continued on another page is ONE ARTICLE, and its paragraph cut
  by the page jump ONE PARAGRAPH with areas on both pages (as the issue text joins it);
* ``structLink`` ties articles to pages.

Nothing depends on the clock or on randomness: dates come from the metadata or the page header, identifiers
from the metadata or the pages' checksums, so the same issue gives the same bytes.

The writer only reads the model: stories come from `newsml.issue_stories`, block IDs from `alto.alto_block_ids`.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..model import Block, Document, Page, Role, article_paragraphs
from ..text.continued import whole_article
from .alto import IdAllocator, _software_version, alto_block_ids, sub_element, xml_text
from .issue_metadata import IssueMetadata
from .names import SUFFIXES, output_stem, page_xml_file_id
from .newsml import Story, issue_stories, story_text

METS_NS = "http://www.loc.gov/METS/"
MODS_NS = "http://www.loc.gov/mods/v3"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
METS_XSD = "http://www.loc.gov/standards/mets/mets.xsd"
MODS_XSD = "http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"

MIX_NS = "http://www.loc.gov/mix/v20"
DC_NS = "http://purl.org/dc/elements/1.1/"
PROFILES = ("enmap", "ndnp", "ocrd")
PROFILE_URIS = {
    "enmap": "http://www.europeana-newspapers.eu/enmap/mets-alto-profile",
    "ndnp": "urn:library-of-congress:mets:profiles:ndnp:issue:v1.5",
    "ocrd": "https://ocr-d.de/en/spec/mets",
}
# fileGrp USE names per profile: images, ALTO, PAGE
FILE_GROUPS = {
    "enmap": ("Images", "Content", "PageXML"),
    "ndnp": ("master", "ocr", "page"),
    "ocrd": ("OCR-D-IMG", "OCR-D-OCR-ALTO", "OCR-D-OCR-PAGE"),
}
FALLBACK_DATE = "1970-01-01T00:00:00"
# MIX compressionScheme per image MIME type (the names of the MIX data dictionary / TIFF tag 259).
COMPRESSION = {
    "image/png": "Deflate",
    "image/jpeg": "JPEG",
    "image/jp2": "JPEG 2000",
    "image/tiff": "Uncompressed",
    "application/pdf": "PDF",
}
_M = "{%s}" % METS_NS
_MODS = "{%s}" % MODS_NS
_HREF = "{%s}href" % XLINK_NS


def default_alto_name(doc: Document, page: Page) -> str:
    """The ALTO file name ``digitize run`` writes for ``page`` (``scan.alto.xml``, ``scan-p0002.alto.xml``)."""
    return output_stem(Path(doc.path), page.number, len(doc.pages)) + SUFFIXES["alto"]


_URI_ESCAPES = str.maketrans({"%": "%25", "[": "%5B", "]": "%5D", "#": "%23", "?": "%3F"})


def uri_reference(path: str) -> str:
    """A file path as an ``xlink:href`` that is a valid URI reference and still reads as the path: only the
    characters that would make it invalid or change its meaning are percent-encoded (``%``, ``[``, ``]``,
    ``#``, ``?``: ``scan[1].tif``, ``50%.tif``, ``a#b.tif``); spaces and non-ASCII letters stay as they are, since
    OCR-D reads a ``LOCTYPE="OTHER" OTHERLOCTYPE="FILE"`` location as a plain path. A Windows separator
    becomes ``/``."""
    return path.replace("\\", "/").translate(_URI_ESCAPES)


@dataclass(frozen=True)
class ImageFacts:
    """Technical facts of a page image for MIX, read from the file's header (`image_facts`)."""

    width: int
    height: int
    mime: str
    sha256: str
    x_dpi: float | None = None
    y_dpi: float | None = None
    colour_space: str | None = None  # MIX colorSpace: RGB, WhiteIsZero/BlackIsZero (grey), PaletteColor
    bits_per_sample: str | None = None  # "8,8,8"
    compression: str | None = None
    file_size: int | None = None


def image_facts(path: str | os.PathLike, sha256: str | None = None) -> ImageFacts:
    """The MIX facts of an image file, from its header (Pillow reads no pixel data for these)."""
    from PIL import Image

    path = Path(path)
    data_hash = sha256 or hashlib.sha256(path.read_bytes()).hexdigest()
    with Image.open(path) as im:
        mime = Image.MIME.get(im.format or "", "application/octet-stream")
        dpi = im.info.get("dpi")
        bands = len(im.getbands())
        bits = {"1": 1, "I;16": 16, "I": 32, "F": 32}.get(im.mode, 8)
        colour = {
            "1": "WhiteIsZero",
            "L": "BlackIsZero",
            "P": "PaletteColor",
            "RGB": "RGB",
            "RGBA": "RGB",
            "CMYK": "CMYK",
            "YCbCr": "YCbCr",
            "I;16": "BlackIsZero",
        }.get(im.mode, im.mode)
        compression = im.info.get("compression") if im.format == "TIFF" else COMPRESSION.get(mime)
        return ImageFacts(
            im.width,
            im.height,
            mime,
            data_hash,
            float(dpi[0]) if dpi else None,
            float(dpi[1]) if dpi else None,
            colour,
            ",".join([str(bits)] * bands),
            str(compression) if compression else None,
            path.stat().st_size,
        )


def issue_identifier(doc: Document, metadata: IssueMetadata | None = None) -> str:
    """The issue's identifier: the metadata's, else a URN made of the pages' checksums (stable across runs)."""
    if metadata and metadata.identifier:
        return metadata.identifier
    digest = hashlib.sha256("\n".join(p.source.sha256 or p.source.path for p in doc.pages).encode()).hexdigest()
    return f"urn:x-digitize:issue:{digest[:32]}"


def _href(path: str, base: Path | None) -> str:
    """``path`` relative to ``base`` (the METS file's folder) when given, with forward slashes, written as
    ``LOCTYPE="OTHER" OTHERLOCTYPE="FILE"`` (a relative ``LOCTYPE="URL"`` is an error for OCR-D). ``xlink:href``
    is an ``anyURI`` all the same, so characters outside a URI (``scan[1].tif``, ``50%.tif``, ``a#b.tif``)
    are percent-encoded, or the METS fails mets.xsd."""
    path, fragment = (
        (path[: path.rindex("#page=")], path[path.rindex("#page=") :]) if re.search(r"#page=\d+$", path) else (path, "")
    )
    target = path
    if base is not None:
        try:
            target = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
        except ValueError:  # another drive on Windows: keep the path as given
            target = path
    return uri_reference(Path(target).as_posix()) + fragment


class _MetsWriter:
    def __init__(
        self,
        doc: Document,
        alto_name: Callable[[Document, Page], str],
        alto_files: dict[int, bytes],
        metadata: IssueMetadata,
        profile: str,
        mets_dir: Path | None,
        images: dict[int, ImageFacts],
        page_xml_name: Callable[[Document, Page], str] | None,
        page_xml_files: dict[int, bytes],
        image_path: Callable[[Document, Page], str],
    ):
        if profile not in PROFILES:
            raise ValueError(f"METS profile must be one of {', '.join(PROFILES)}, got {profile!r}")
        self.doc = doc
        self.alto_name = alto_name
        self.alto_files = alto_files
        self.profile = profile
        self.mets_dir = mets_dir
        self.images = images
        self.page_xml_name = page_xml_name
        self.page_xml_files = page_xml_files
        self.image_path = image_path
        first = doc.pages[0].metadata if doc.pages else {}
        self.meta = metadata
        self.title = metadata.title or first.get("title") or Path(doc.path).stem
        self.date = metadata.date or first.get("date")
        self.identifier = issue_identifier(doc, metadata)
        self.ids = IdAllocator("")
        self.stories = issue_stories(doc)
        self.block_ids = {page.number: alto_block_ids(page) for page in doc.pages}
        self.img_ids = {p.number: self.ids.claim(f"IMG{p.number:05d}") for p in doc.pages}
        self.alto_ids = {p.number: self.ids.claim(f"ALTO{p.number:05d}") for p in doc.pages}
        self.page_xml_ids = (
            {p.number: self.ids.claim(page_xml_file_id(p.number)) for p in doc.pages} if page_xml_name else {}
        )
        self.phys_ids = {p.number: self.ids.claim(f"PHYS{p.number:05d}") for p in doc.pages}
        self.tech_ids = {p.number: self.ids.claim(f"TECHMD_IMG{p.number:05d}") for p in doc.pages}
        self.rights_ids = {p.number: self.ids.claim(f"RIGHTSMD_IMG{p.number:05d}") for p in doc.pages}
        self.amd_ids = {p.number: self.ids.claim(f"AMD_IMG{p.number:05d}") for p in doc.pages}
        self.log_ids = {s.key: self.ids.claim(f"LOG_{s.key}") for s in self.stories}
        self.dmd_ids = {s.key: self.ids.claim(f"DMD_{s.key}") for s in self.stories}

    def sub(self, parent, name: str, text: str | None = None, ns: str = _M, **attrs):
        return sub_element(parent, ns + name, text, **attrs)

    def page_identifier(self, page: Page) -> str:
        return self.meta.page_identifiers.get(page.number) or f"{self.identifier}/p{page.number}"

    def created(self) -> str:
        if self.meta.created:
            return self.meta.created
        if self.date and len(self.date) == 10:
            return f"{self.date}T00:00:00"
        return FALLBACK_DATE

    def build(self) -> etree._Element:
        root = etree.Element(
            _M + "mets", nsmap={"mets": METS_NS, "mods": MODS_NS, "mix": MIX_NS, "xlink": XLINK_NS, "xsi": XSI_NS}
        )
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{METS_NS} {METS_XSD} {MODS_NS} {MODS_XSD}")
        root.set("OBJID", xml_text(self.identifier))
        root.set("LABEL", xml_text(" ".join(v for v in (self.title, self.date) if v)))
        root.set("TYPE", "Newspaper")
        root.set("PROFILE", PROFILE_URIS[self.profile])
        header = self.sub(
            root, "metsHdr", CREATEDATE=self.created(), LASTMODDATE=self.created(), RECORDSTATUS="complete"
        )
        if self.meta.institution:
            self.sub(self.sub(header, "agent", ROLE="CREATOR", TYPE="ORGANIZATION"), "name", self.meta.institution)
        agent = self.sub(
            header,
            "agent",
            ROLE="CREATOR" if not self.meta.institution else "OTHER",
            OTHERROLE=None if not self.meta.institution else "SOFTWARE",
            TYPE="OTHER",
            OTHERTYPE="SOFTWARE",
        )
        self.sub(agent, "name", f"digitize {_software_version()}")
        self.sub(agent, "note", "text recognition, layout, reading order and export")
        self.sub(header, "metsDocumentID", self.identifier)

        self._issue_mods(root)
        for story in self.stories:
            text = story_text(story)
            self._article_mods(
                root,
                self.dmd_ids[story.key],
                text.headline or story.key,
                text.subheadlines,
                text.language,
                text.bylines,
            )
        self._amd(root)
        self._file_sec(root)
        self._physical(root)
        self._logical(root)
        self._struct_link(root)
        return root

    # ---- descriptive metadata

    def _mods_root(self, root, dmd_id: str):
        dmd = self.sub(root, "dmdSec", ID=dmd_id)
        wrap = self.sub(dmd, "mdWrap", MDTYPE="MODS")
        return self.sub(self.sub(wrap, "xmlData"), "mods", ns=_MODS)

    def _issue_mods(self, root) -> None:
        m, mods = self.meta, self._mods_root(root, "DMD_ISSUE")
        mod = lambda parent, name, text=None, **a: self.sub(parent, name, text, ns=_MODS, **a)
        self.sub(self.sub(mods, "titleInfo", ns=_MODS), "title", self.title, ns=_MODS)
        mod(mods, "identifier", self.identifier, type=m.identifier_type if m.identifier else "urn")
        for kind, value in sorted(m.other_identifiers.items()):
            mod(mods, "identifier", value, type=kind)
        mod(mods, "typeOfResource", "text")
        mod(mods, "genre", "newspaper issue", authority="marcgt" if self.profile == "ndnp" else None)
        origin = mod(mods, "originInfo")
        if m.place:
            mod(mod(origin, "place"), "placeTerm", m.place, type="text")
        if m.publisher:
            mod(origin, "publisher", m.publisher)
        if self.date:
            mod(origin, "dateIssued", self.date, encoding="iso8601", keyDate="yes")
        if m.edition:
            mod(origin, "edition", m.edition)
        language = m.language or _mods_language(self.doc)
        if language:
            mod(mod(mods, "language"), "languageTerm", language, type="code", authority="iso639-2b")
        if m.volume or m.issue_number:
            part = mod(mods, "part")
            if m.volume:
                mod(mod(part, "detail", type="volume"), "number", m.volume)
            if m.issue_number:
                mod(mod(part, "detail", type="issue"), "number", m.issue_number)
        if m.rights:
            mod(mods, "accessCondition", m.rights, type="use and reproduction")
        record = mod(mods, "recordInfo")
        mod(record, "recordContentSource", m.institution or "digitize")
        mod(record, "recordCreationDate", self.created(), encoding="iso8601")

    def _article_mods(
        self, root, dmd_id: str, title: str, subtitles: list[str], language: str | None, authors: list[str]
    ) -> None:
        mods = self._mods_root(root, dmd_id)
        info = self.sub(mods, "titleInfo", ns=_MODS)
        self.sub(info, "title", title, ns=_MODS)
        for s in subtitles:
            self.sub(info, "subTitle", s, ns=_MODS)
        for a in authors:
            self.sub(self.sub(mods, "name", ns=_MODS), "displayForm", a, ns=_MODS)
        self.sub(mods, "genre", "article", ns=_MODS)
        if language and language != "und":
            self.sub(
                self.sub(mods, "language", ns=_MODS),
                "languageTerm",
                language,
                ns=_MODS,
                type="code",
                authority="rfc5646",
            )

    # ---- administrative metadata

    def _facts(self, page: Page) -> ImageFacts:
        return self.images.get(page.number) or ImageFacts(
            page.width,
            page.height,
            page.source.mime,
            page.source.sha256,
            page.source.dpi or None,
            page.source.dpi or None,
            None,
            None,
            COMPRESSION.get(page.source.mime),
        )

    def _amd(self, root) -> None:
        for page in self.doc.pages:
            facts = self._facts(page)
            amd = self.sub(root, "amdSec", ID=self.amd_ids[page.number])
            tech = self.sub(amd, "techMD", ID=self.tech_ids[page.number])
            mix = self.sub(
                self.sub(self.sub(tech, "mdWrap", MDTYPE="NISOIMG", LABEL="NISO still image metadata"), "xmlData"),
                "mix",
                ns="{%s}" % MIX_NS,
            )
            self._mix(mix, facts)
            rights = self.sub(amd, "rightsMD", ID=self.rights_ids[page.number])
            wrap = self.sub(rights, "mdWrap", MDTYPE="DC", LABEL="rights")
            dc = self.sub(wrap, "xmlData")
            self.sub(dc, "rights", self.meta.rights or "rights not stated", ns="{%s}" % DC_NS)
            if self.meta.rights_holder:
                self.sub(dc, "rightsHolder", self.meta.rights_holder, ns="{http://purl.org/dc/terms/}")
        prov = self.sub(self.sub(root, "amdSec", ID="AMD_PROVENANCE"), "digiprovMD", ID="DIGIPROV_OCR")
        wrap = self.sub(prov, "mdWrap", MDTYPE="OTHER", OTHERMDTYPE="digitize", LABEL="text recognition")
        engines = sorted({p.engine for p in self.doc.pages if p.engine})
        self.sub(
            self.sub(wrap, "xmlData"),
            "description",
            f"digitize {_software_version()}; engines: {', '.join(engines) or 'unknown'}",
            ns="{%s}" % DC_NS,
        )

    def _mix(self, mix, f: ImageFacts) -> None:
        x = "{%s}" % MIX_NS
        sub = lambda parent, name, text=None: self.sub(parent, name, text, ns=x)
        basic = sub(mix, "BasicDigitalObjectInformation")
        ident = sub(basic, "ObjectIdentifier")
        sub(ident, "objectIdentifierType", "SHA-256")
        sub(ident, "objectIdentifierValue", f.sha256 or "unknown")
        if f.file_size is not None:
            sub(basic, "fileSize", str(f.file_size))
        fmt = sub(basic, "FormatDesignation")
        sub(fmt, "formatName", f.mime)
        if f.compression:
            sub(sub(basic, "Compression"), "compressionScheme", f.compression)
        if f.sha256:
            fixity = sub(basic, "Fixity")
            sub(fixity, "messageDigestAlgorithm", "SHA-256")
            sub(fixity, "messageDigest", f.sha256)
        info = sub(mix, "BasicImageInformation")
        chars = sub(info, "BasicImageCharacteristics")
        sub(chars, "imageWidth", str(f.width))
        sub(chars, "imageHeight", str(f.height))
        if f.colour_space:
            sub(sub(chars, "PhotometricInterpretation"), "colorSpace", f.colour_space)
        if f.x_dpi or f.bits_per_sample:
            assess = sub(mix, "ImageAssessmentMetadata")
            if f.x_dpi:
                metrics = sub(assess, "SpatialMetrics")
                sub(metrics, "samplingFrequencyUnit", "in.")
                sub(sub(metrics, "xSamplingFrequency"), "numerator", str(int(round(f.x_dpi))))
                sub(sub(metrics, "ySamplingFrequency"), "numerator", str(int(round(f.y_dpi or f.x_dpi))))
            if f.bits_per_sample:
                encoding = sub(assess, "ImageColorEncoding")
                bits = sub(encoding, "BitsPerSample")
                sub(bits, "bitsPerSampleValue", f.bits_per_sample)
                sub(bits, "bitsPerSampleUnit", "integer")
                sub(encoding, "samplesPerPixel", str(len(f.bits_per_sample.split(","))))

    # ---- files and structure

    def _flocat(self, parent, path: str) -> None:
        self.sub(parent, "FLocat", LOCTYPE="OTHER", OTHERLOCTYPE="FILE", **{_HREF: _href(path, self.mets_dir)})

    def _file_sec(self, root) -> None:
        img_use, alto_use, page_use = FILE_GROUPS[self.profile]
        file_sec = self.sub(root, "fileSec")
        images = self.sub(file_sec, "fileGrp", ID="IMGGRP", USE=img_use)
        for page in self.doc.pages:
            facts = self._facts(page)
            f = self.sub(
                images,
                "file",
                ID=self.img_ids[page.number],
                MIMETYPE=facts.mime or None,
                ADMID=f"{self.tech_ids[page.number]} {self.rights_ids[page.number]}",
                CHECKSUM=facts.sha256 or None,
                CHECKSUMTYPE="SHA-256" if facts.sha256 else None,
                SIZE=str(facts.file_size) if facts.file_size is not None else None,
            )
            self._flocat(f, self.image_path(self.doc, page))
        altos = self.sub(file_sec, "fileGrp", ID="ALTOGRP", USE=alto_use)
        for page in self.doc.pages:
            data = self.alto_files.get(page.number)
            f = self.sub(
                altos,
                "file",
                ID=self.alto_ids[page.number],
                MIMETYPE="text/xml",
                CHECKSUM=hashlib.sha256(data).hexdigest() if data else None,
                CHECKSUMTYPE="SHA-256" if data else None,
                SIZE=str(len(data)) if data else None,
            )
            self._flocat(f, self._beside(self.alto_name(self.doc, page)))
        if self.page_xml_name:
            grp = self.sub(file_sec, "fileGrp", ID="PAGEGRP", USE=page_use)
            for page in self.doc.pages:
                data = self.page_xml_files.get(page.number)
                f = self.sub(
                    grp,
                    "file",
                    ID=self.page_xml_ids[page.number],
                    MIMETYPE="application/vnd.prima.page+xml",
                    CHECKSUM=hashlib.sha256(data).hexdigest() if data else None,
                    CHECKSUMTYPE="SHA-256" if data else None,
                )
                self._flocat(f, self._beside(self.page_xml_name(self.doc, page)))

    def _beside(self, name: str) -> str:
        """An output file name: written beside the METS file, so its path is relative to the METS folder."""
        return str(self.mets_dir / name) if self.mets_dir is not None and not os.path.isabs(name) else name

    def _physical(self, root) -> None:
        smap = self.sub(root, "structMap", TYPE="PHYSICAL")
        seq = self.sub(smap, "div", TYPE="physSequence", ID="PHYS_SEQUENCE", DMDID="DMD_ISSUE")
        for page in self.doc.pages:
            div = self.sub(
                seq,
                "div",
                TYPE="page",
                ID=self.phys_ids[page.number],
                ORDER=str(page.number),
                ORDERLABEL=page.label or None,
                CONTENTIDS=urllib.parse.quote(self.page_identifier(page), safe=":/#?=&"),
            )
            self.sub(div, "fptr", FILEID=self.img_ids[page.number])
            self.sub(div, "fptr", FILEID=self.alto_ids[page.number])
            if self.page_xml_ids:
                self.sub(div, "fptr", FILEID=self.page_xml_ids[page.number])

    def _logical(self, root) -> None:
        smap = self.sub(root, "structMap", TYPE="LOGICAL")
        paper = self.sub(smap, "div", TYPE="NEWSPAPER", ID="LOG_NEWSPAPER", LABEL=self.title)
        issue = self.sub(
            paper,
            "div",
            TYPE="ISSUE",
            ID="LOG_ISSUE",
            DMDID="DMD_ISSUE",
            LABEL=" ".join(v for v in (self.title, self.date) if v) or None,
        )
        content = self.sub(issue, "div", TYPE="CONTENT", ID="LOG_CONTENT")
        for order, story in enumerate(self.stories, 1):
            advert = all(b.role is Role.ADVERTISEMENT for _, a in story.parts for b in a.blocks if b.role.has_text)
            key = self.log_ids[story.key]
            art = self.sub(
                content,
                "div",
                TYPE="ADVERTISEMENT" if advert else "ARTICLE",
                ID=key,
                DMDID=self.dmd_ids[story.key],
                ORDER=str(order),
                LABEL=story_text(story).headline or None,
            )
            # A continued part's repeated headline is still printed there: it belongs to the HEADING too.
            heading = [(p, b) for p, a in story.parts for b in a.blocks if _is_heading(b)]
            if heading:
                head = self.sub(art, "div", TYPE="HEADING", ID=self.ids.claim(f"{key}_HEADING"))
                for kind in ("TITLE", "SUBTITLE"):
                    members = [(p, b) for p, b in heading if (b.role is Role.HEADLINE) == (kind == "TITLE")]
                    if members:
                        div = self.sub(head, "div", TYPE=kind, ID=self.ids.claim(f"{key}_{kind}"))
                        self._areas(div, members)
            paragraphs = self._paragraphs(story)
            if paragraphs:
                body = self.sub(art, "div", TYPE="BODY", ID=self.ids.claim(f"{key}_BODY"))
                content_div = self.sub(body, "div", TYPE="BODY_CONTENT", ID=self.ids.claim(f"{key}_BODY_CONTENT"))
                for k, (kind, members) in enumerate(paragraphs, 1):
                    div = self.sub(content_div, "div", TYPE=kind, ID=self.ids.claim(f"{key}_{kind}{k:03d}"))
                    self._areas(div, members)

    def _paragraphs(self, story: Story) -> list[tuple[str, list[tuple[Page, Block]]]]:
        """The story's non-heading paragraphs as (logical type, [(page, block), …]); a paragraph the issue text
        joins across the page jump (`issue.whole_article`) is one paragraph with blocks on both pages."""
        parts = []
        for page, article in story.parts:
            blocks = {b.id: b for b in article.blocks}
            for para in article_paragraphs(article):
                members = [(page, blocks[i]) for i in para.block_ids if i in blocks and not _is_heading(blocks[i])]
                if members:
                    parts.append((para, members))
        joined: set[int] = set()
        if len(story.parts) > 1:
            page, article = story.parts[0]
            whole = [p.block_ids for p in whole_article(self.doc, page, article)]
            for k in range(len(parts) - 1):
                (a, ma), (b, mb) = parts[k], parts[k + 1]
                if ma[0][0] is mb[0][0]:
                    continue  # not a page jump
                seq = a.block_ids + b.block_ids
                if any(_contains(ids, seq) for ids in whole):
                    joined.add(k)
        out: list[tuple[str, list[tuple[Page, Block]]]] = []
        for k, (para, members) in enumerate(parts):
            if k - 1 in joined:
                out[-1][1].extend(members)
                continue
            kind = {Role.CAPTION: "CAPTION", Role.BYLINE: "AUTHOR", Role.INTERTITLE: "SUBHEADLINE"}.get(
                para.role, "PARAGRAPH"
            )
            out.append((kind, list(members)))
        return out

    def _areas(self, div, members: list[tuple[Page, Block]]) -> None:
        unique = list(dict.fromkeys((page.number, block.id) for page, block in members))
        fptr = self.sub(div, "fptr")
        parent = self.sub(fptr, "seq") if len(unique) > 1 else fptr
        for number, block_id in unique:
            self.sub(
                parent, "area", FILEID=self.alto_ids[number], BETYPE="IDREF", BEGIN=self.block_ids[number][block_id]
            )

    def _struct_link(self, root) -> None:
        if not self.stories:
            return
        links = self.sub(root, "structLink")
        for story in self.stories:
            for number in story.pages:
                self.sub(
                    links,
                    "smLink",
                    **{f"{{{XLINK_NS}}}from": self.log_ids[story.key], f"{{{XLINK_NS}}}to": self.phys_ids[number]},
                )


def _contains(ids: list[str], seq: list[str]) -> bool:
    return any(ids[i : i + len(seq)] == seq for i in range(len(ids) - len(seq) + 1))


def _mods_language(doc: Document) -> str | None:
    """The ISO 639-2/B code of the issue's main language, from its text blocks."""
    counts: dict[str, int] = {}
    for page in doc.pages:
        for b in page.blocks:
            if b.role.has_text and b.lines and b.language:
                counts[b.language] = counts.get(b.language, 0) + sum(len(ln.text) for ln in b.lines)
    if not counts:
        return None
    code = max(counts, key=lambda language: counts[language]).split("-")[0]
    return {
        "zh": "chi",
        "en": "eng",
        "fr": "fre",
        "de": "ger",
        "es": "spa",
        "it": "ita",
        "pt": "por",
        "nl": "dut",
        "ja": "jpn",
        "ko": "kor",
    }.get(code)


def source_image_path(doc: Document, page: Page, path: str | None = None) -> str:
    """The page image: its source file (or ``path``, a copy of it), with the RFC 8118 ``#page=N`` fragment when
    the file holds several pages of the issue."""
    shared = sum(1 for p in doc.pages if p.source.path == page.source.path) > 1
    path = path or page.source.path
    return f"{path}#page={page.source.index + 1}" if shared else path


def _is_heading(block: Block) -> bool:
    """The article's title group (headline, kicker, subtitle); intertitles stay in the BODY flow."""
    return block.role.is_heading and block.role is not Role.INTERTITLE


def document_to_mets(
    doc: Document,
    alto_name: Callable[[Document, Page], str] = default_alto_name,
    alto_files: dict[int, bytes] | None = None,
    metadata: IssueMetadata | None = None,
    profile: str = "enmap",
    mets_dir: str | os.PathLike | None = None,
    images: dict[int, ImageFacts] | None = None,
    page_xml_name: Callable[[Document, Page], str] | None = None,
    page_xml_files: dict[int, bytes] | None = None,
    image_path: Callable[[Document, Page], str] = source_image_path,
) -> bytes:
    """METS (UTF-8) for the issue ``doc`` in ``profile`` (``enmap``, ``ndnp`` or ``ocrd``).

    ``alto_name(doc, page)`` gives each page's ALTO file name, written beside the METS file (default: the
    names ``digitize run`` writes); ``alto_files`` maps page number to the ALTO bytes, for checksums;
    ``metadata`` is what the library knows of the issue (`IssueMetadata`); ``mets_dir`` is the folder the METS
    file is written to: every file reference is made relative to it; ``images`` maps page number to the
    image's technical facts (`image_facts`; default: what the model knows: size, dpi, MIME, checksum);
    ``page_xml_name``/``page_xml_files`` add a PAGE XML file group; ``image_path(doc, page)`` is where each page's
    image is (default its source file, `source_image_path`; a copy in the package, say)."""
    root = _MetsWriter(
        doc,
        alto_name,
        alto_files or {},
        metadata or IssueMetadata(),
        profile,
        Path(mets_dir) if mets_dir is not None else None,
        images or {},
        page_xml_name,
        page_xml_files or {},
        image_path,
    ).build()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
