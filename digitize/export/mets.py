"""METS for a newspaper issue, in the Europeana Newspapers METS/ALTO profile (ENMAP) style.

* ``fileSec``: an image group and an ALTO group, one file of each per page;
* PHYSICAL ``structMap``: the pages in order, each pointing at its image and its ALTO;
* LOGICAL ``structMap``: Newspaper > Issue > ARTICLE > HEADING / BODY, whose ``area``s point into the ALTO
  files by block ID (``BETYPE="IDREF"``, ``BEGIN="P1_TB0005"``). An article continued on another page is ONE
  ARTICLE with areas in both pages' ALTO files;
* a MODS ``dmdSec`` for the issue and one per article with its title; ``structLink`` ties articles to pages.

The writer only reads the model: stories come from `newsml.issue_stories`, block IDs from `alto.alto_block_ids`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from ..model import Block, Document, Page, Role
from .alto import IdAllocator, alto_block_ids, sub_element, xml_text
from .names import SUFFIXES, output_stem
from .newsml import issue_stories, story_text

METS_NS = "http://www.loc.gov/METS/"
MODS_NS = "http://www.loc.gov/mods/v3"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
METS_XSD = "http://www.loc.gov/standards/mets/mets.xsd"
MODS_XSD = "http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"

_M = "{%s}" % METS_NS
_MODS = "{%s}" % MODS_NS
_HREF = "{%s}href" % XLINK_NS


def default_alto_name(doc: Document, page: Page) -> str:
    """The ALTO file name ``digitize run`` writes for ``page`` (``scan.alto.xml``, ``scan-p0002.alto.xml``)."""
    return output_stem(Path(doc.path), page.number, len(doc.pages)) + SUFFIXES["alto"]


def uri_reference(path: str) -> str:
    """A file path as a URI reference for ``xlink:href`` (RFC 3986): every character outside the unreserved
    set and ``/`` percent-encoded (UTF-8), so ``scan[1].tif``, ``50%.tif`` and ``a#b.tif`` stay file names and
    the METS validates; a Windows separator becomes ``/``."""
    return quote(path.replace("\\", "/"), safe="/")


def _image_href(doc: Document, page: Page) -> str:
    """The page image: its source file, with the RFC 8118 ``#page=N`` fragment when the file holds several pages."""
    shared = sum(1 for p in doc.pages if p.source.path == page.source.path) > 1
    href = uri_reference(page.source.path)
    return f"{href}#page={page.source.index + 1}" if shared else href


class _MetsWriter:
    def __init__(self, doc: Document, alto_name: Callable[[Document, Page], str], alto_files: dict[int, bytes]):
        self.doc = doc
        self.alto_name = alto_name
        self.alto_files = alto_files
        self.ids = IdAllocator("")
        self.stories = issue_stories(doc)
        self.block_ids = {page.number: alto_block_ids(page) for page in doc.pages}
        self.img_ids = {p.number: self.ids.claim(f"IMG{p.number:05d}") for p in doc.pages}
        self.alto_ids = {p.number: self.ids.claim(f"ALTO{p.number:05d}") for p in doc.pages}
        self.phys_ids = {p.number: self.ids.claim(f"PHYS{p.number:05d}") for p in doc.pages}
        self.log_ids = {s.key: self.ids.claim(f"LOG_{s.key}") for s in self.stories}
        self.dmd_ids = {s.key: self.ids.claim(f"DMD_{s.key}") for s in self.stories}

    def sub(self, parent, name: str, text: str | None = None, ns: str = _M, **attrs):
        return sub_element(parent, ns + name, text, **attrs)

    def build(self) -> etree._Element:
        first = self.doc.pages[0] if self.doc.pages else None
        meta = first.metadata if first else {}
        root = etree.Element(_M + "mets", nsmap={"mets": METS_NS, "mods": MODS_NS, "xlink": XLINK_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{METS_NS} {METS_XSD} {MODS_NS} {MODS_XSD}")
        root.set("TYPE", "Newspaper")
        root.set("OBJID", xml_text(first.source.sha256 or self.doc.path) if first else xml_text(self.doc.path))
        header = self.sub(root, "metsHdr")
        agent = self.sub(header, "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
        self.sub(agent, "name", "digitize")

        self._mods(root, "DMD_ISSUE", meta.get("title") or Path(self.doc.path).stem, date=meta.get("date"),
                   genre="issue", language=None)
        for story in self.stories:
            text = story_text(story)
            self._mods(root, self.dmd_ids[story.key], text.headline or story.key, subtitles=text.subheadlines,
                       genre="article", language=text.language, authors=text.bylines)
        self._file_sec(root)
        self._physical(root)
        self._logical(root, meta)
        self._struct_link(root)
        return root

    def _mods(self, root, dmd_id: str, title: str, *, date: str | None = None, subtitles: Sequence[str] = (),
              genre: str, language: str | None, authors: Sequence[str] = ()) -> None:
        dmd = self.sub(root, "dmdSec", ID=dmd_id)
        wrap = self.sub(dmd, "mdWrap", MDTYPE="MODS")
        mods = self.sub(self.sub(wrap, "xmlData"), "mods", ns=_MODS)
        info = self.sub(mods, "titleInfo", ns=_MODS)
        self.sub(info, "title", title, ns=_MODS)
        for s in subtitles:
            self.sub(info, "subTitle", s, ns=_MODS)
        for a in authors:
            self.sub(self.sub(mods, "name", ns=_MODS), "displayForm", a, ns=_MODS)
        self.sub(mods, "genre", genre, ns=_MODS)
        if date:
            self.sub(self.sub(mods, "originInfo", ns=_MODS), "dateIssued", date, ns=_MODS, encoding="iso8601")
        if language and language != "und":
            self.sub(self.sub(mods, "language", ns=_MODS), "languageTerm", language, ns=_MODS,
                     type="code", authority="rfc5646")

    def _file_sec(self, root) -> None:
        file_sec = self.sub(root, "fileSec")
        images = self.sub(file_sec, "fileGrp", ID="IMGGRP", USE="Images")
        for page in self.doc.pages:
            f = self.sub(images, "file", ID=self.img_ids[page.number], MIMETYPE=page.source.mime or None,
                         CHECKSUM=page.source.sha256 or None, CHECKSUMTYPE="SHA-256" if page.source.sha256 else None)
            self.sub(f, "FLocat", LOCTYPE="URL", **{_HREF: _image_href(self.doc, page)})
        altos = self.sub(file_sec, "fileGrp", ID="ALTOGRP", USE="Content")
        for page in self.doc.pages:
            data = self.alto_files.get(page.number)
            f = self.sub(altos, "file", ID=self.alto_ids[page.number], MIMETYPE="text/xml",
                         CHECKSUM=hashlib.sha256(data).hexdigest() if data else None,
                         CHECKSUMTYPE="SHA-256" if data else None)
            self.sub(f, "FLocat", LOCTYPE="URL", **{_HREF: uri_reference(self.alto_name(self.doc, page))})

    def _physical(self, root) -> None:
        smap = self.sub(root, "structMap", TYPE="PHYSICAL")
        seq = self.sub(smap, "div", TYPE="physSequence", ID="PHYS_SEQUENCE")
        for page in self.doc.pages:
            div = self.sub(seq, "div", TYPE="page", ID=self.phys_ids[page.number], ORDER=str(page.number),
                           ORDERLABEL=page.label or None)
            self.sub(div, "fptr", FILEID=self.img_ids[page.number])
            self.sub(div, "fptr", FILEID=self.alto_ids[page.number])

    def _logical(self, root, meta: dict[str, str]) -> None:
        smap = self.sub(root, "structMap", TYPE="LOGICAL")
        paper = self.sub(smap, "div", TYPE="Newspaper", ID="LOG_NEWSPAPER", LABEL=meta.get("title"))
        issue = self.sub(paper, "div", TYPE="Issue", ID="LOG_ISSUE", DMDID="DMD_ISSUE",
                         LABEL=" ".join(v for v in (meta.get("title"), meta.get("date")) if v) or None)
        for order, story in enumerate(self.stories, 1):
            art = self.sub(issue, "div", TYPE="ARTICLE", ID=self.log_ids[story.key], DMDID=self.dmd_ids[story.key],
                           ORDER=str(order), LABEL=story_text(story).headline or None)
            heading = [(p, b) for p, a in story.parts for b in a.blocks if _is_heading(b)]
            # A continued part's repeated headline is still printed there: it belongs to the HEADING too.
            body = [(p, b) for p, a in story.parts for b in a.blocks if not _is_heading(b)]
            for kind, members in (("HEADING", heading), ("BODY", body)):
                if members:
                    div = self.sub(art, "div", TYPE=kind, ID=self.ids.make(self.log_ids[story.key], kind))
                    for page, block in members:
                        self._area(div, page, block)

    def _area(self, div, page: Page, block: Block) -> None:
        fptr = self.sub(div, "fptr")
        self.sub(fptr, "area", FILEID=self.alto_ids[page.number], BETYPE="IDREF",
                 BEGIN=self.block_ids[page.number][block.id])

    def _struct_link(self, root) -> None:
        if not self.stories:
            return
        links = self.sub(root, "structLink")
        for story in self.stories:
            for number in story.pages:
                self.sub(links, "smLink", **{f"{{{XLINK_NS}}}from": self.log_ids[story.key],
                                             f"{{{XLINK_NS}}}to": self.phys_ids[number]})


def _is_heading(block: Block) -> bool:
    """The article's title group (headline, kicker, subtitle); intertitles stay in the BODY flow."""
    return block.role.is_heading and block.role is not Role.INTERTITLE


def document_to_mets(doc: Document, alto_name: Callable[[Document, Page], str] = default_alto_name,
                     alto_files: dict[int, bytes] | None = None) -> bytes:
    """METS (UTF-8) for the issue ``doc``. ``alto_name(doc, page)`` gives each page's ALTO file reference
    (default: the names ``digitize run`` writes beside the METS file); ``alto_files`` maps page number to the
    ALTO bytes written, to record their SHA-256 checksums."""
    root = _MetsWriter(doc, alto_name, alto_files or {}).build()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
