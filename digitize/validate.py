"""``digitize validate FILE...``: find what kind of library XML a file is and validate it offline.

Recognized: ALTO 1.4 (no namespace) to 4.4 (by namespace, then ``SCHEMAVERSION`` or the schema named in
``xsi:schemaLocation``), NewsML-G2 (items and news messages; NITF bodies are checked too), METS, and PAGE
2019. Files are parsed with no network access and no entity expansion; a document type declaration is
refused, since library XML never needs one and entities are how hostile files attack parsers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import schemas
from .export.mets import METS_NS
from .export.newsml import NAR_NS, NITF_NS
from .read import ReadError, read_input_bytes

ALTO_NAMESPACES = {  # namespace → ALTO major version
    "http://www.loc.gov/standards/alto/ns-v2#": 2,
    "http://www.loc.gov/standards/alto/ns-v3#": 3,
    "http://www.loc.gov/standards/alto/ns-v4#": 4,
}
ALTO_LATEST = {1: "1.4", 2: "2.1", 3: "3.1", 4: "4.4"}  # schema used when a file names no minor version
PAGE_NS_PREFIX = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
PAGE_SCHEMA_NS = PAGE_NS_PREFIX + "2019-07-15"
_XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"


@dataclass
class Kind:
    name: str  # for people: "ALTO 4.4", "NewsML-G2 newsItem + NITF 3.6"
    schema: str | None  # schema file in the schema folder; None when no schema fits
    problem: str = ""  # why there is none


def _alto_version(root: etree._Element, major: int) -> str:
    """The ALTO version a file claims: ``SCHEMAVERSION``, else the ``alto-X-Y.xsd`` in ``schemaLocation``."""
    declared = (root.get("SCHEMAVERSION") or "").strip()
    if re.fullmatch(rf"{major}\.\d+", declared):
        return declared
    m = re.search(rf"alto-?v?({major})[-.](\d+)\.xsd", root.get(_XSI_LOCATION) or "")
    return f"{m.group(1)}.{m.group(2)}" if m else ALTO_LATEST[major]


def detect(doc: etree._ElementTree) -> Kind:
    """What ``doc`` is, and the schema file to validate it against."""
    root = doc.getroot()
    qname = etree.QName(root)
    ns, local = qname.namespace or "", qname.localname
    if local == "alto" and (not ns or ns in ALTO_NAMESPACES):
        major = ALTO_NAMESPACES.get(ns, 1)
        version = _alto_version(root, major) if major > 1 else "1.4"
        schema = f"alto-{version.replace('.', '-')}.xsd"
        if not schemas.has_schema(schema):
            return Kind(f"ALTO {version}", None, f"no schema {schema} for ALTO {version}")
        return Kind(f"ALTO {version}", schema)
    if ns == NAR_NS:
        if any(isinstance(el.tag, str) and etree.QName(el).namespace == NITF_NS for el in root.iter()):
            return Kind(f"NewsML-G2 {local} + NITF 3.6", "NewsML-G2_2.35-with-NITF-3.6.xsd")
        return Kind(f"NewsML-G2 {local}", "NewsML-G2_2.35-spec-All-Power.xsd")
    if ns == METS_NS and local == "mets":
        return Kind("METS", "mets.xsd")
    if ns.startswith(PAGE_NS_PREFIX):
        version = ns[len(PAGE_NS_PREFIX) :]
        if ns != PAGE_SCHEMA_NS:
            return Kind(
                f"PAGE {version}", None, f"only the PAGE {PAGE_SCHEMA_NS[len(PAGE_NS_PREFIX) :]} schema is available"
            )
        return Kind(f"PAGE {version}", "page.xsd")
    return Kind(f"{{{ns}}}{local}" if ns else local, None, "not ALTO, NewsML-G2, METS or PAGE XML")


def validate_file(path: Path | str) -> tuple[Kind | None, list[str]]:
    """Detect and validate one file: (its kind, error messages with line numbers); no errors means valid."""
    try:
        # Read by us, not by libxml2 from a name: a FIFO or /dev/zero is refused, the size is bounded, and a
        # name that is not UTF-8 (which lxml cannot encode) is opened as the bytes it is.
        doc = schemas.parse_safely(read_input_bytes(path))
    except ReadError as exc:
        return None, [f"cannot read: {exc.reason}"]
    except etree.XMLSyntaxError as exc:
        if "entity" in exc.msg.lower():  # libxml2 stops entity blow-ups (billion laughs) itself
            return None, [f"line {exc.lineno}: document type declaration refused (entity expansion): {exc.msg}"]
        return None, [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    except OSError as exc:
        return None, [f"cannot read: {exc.strerror or exc}"]
    if doc.docinfo.doctype:
        return None, [f"line 1: document type declaration refused (no DTDs or entities): {doc.docinfo.doctype}"]
    kind = detect(doc)
    if kind.schema is None:
        return kind, [f"line {doc.getroot().sourceline}: {kind.problem}"]
    return kind, schemas.validate_tree(doc, kind.schema)
