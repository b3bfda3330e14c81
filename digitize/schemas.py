"""Offline XML schema lookup and validation (ALTO 4.4, NewsML-G2, METS, PAGE), and the project's JSON schema.

The official XSDs are never copied into this repository. `schema_dirs` looks for them, in this order:

1. ``$DIGITIZE_SCHEMA_DIR`` when set (then nothing else: an explicit choice gets no silent fallback);
2. ``../shared/schemas`` beside the checkout or the working directory (the developers' copy);
3. the cache that `fetch_schemas` fills (``$DIGITIZE_CACHE_DIR/schemas``, default ``~/.cache/digitize/schemas``);
4. installed packages that ship some of them: OCR-D's ``ocrd_validators`` (in ``ocrd`` and ``ocrd-validators``)
   ships ``mets.xsd``, ``page.xsd`` and ``xlink.xsd``. No PyPI package ships ALTO or NewsML-G2/NITF XSDs
   (bench/packaging.md lists the packages checked), so those come from `fetch_schemas` only.

`fetch_schemas` copies the XSDs from a folder the user names, or from an installed package, and downloads the
rest from their publishers only when asked to. Every import in the folders used points at a local file, so
validation never touches the network.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lxml import etree

ENV_VAR = "DIGITIZE_SCHEMA_DIR"
CACHE_ENV_VAR = "DIGITIZE_CACHE_DIR"  # shared with the paddle engine's model folders
JSON_SCHEMA = "digitize-page.schema.json"  # the shape of `digitize run --format json`, shipped in the wheel
FETCH_HINT = "run `digitize fetch-schemas` (copies or downloads the official XSDs into the cache)"
_EXPECTED = "alto-4-4.xsd, NewsML-G2_2.35-spec-All-Power.xsd, mets.xsd"

# Where each official XSD is published. ALTO and IPTC files come from their publishers' repositories at the
# commits recorded in shared/schemas/README.md (immutable addresses: the same bytes every time); METS and
# XLink from the Library of Congress, PAGE from PRImA (dated, stable addresses).
_ALTO = "https://raw.githubusercontent.com/altoxml/schema/1a67f01c3689e5ff4b1714c4395b9fdcf668d93b"
_IPTC = "https://raw.githubusercontent.com/iptc/newsml-g2/7f172b01af0c343aacb1e1297ac0e75debabb4a7"
OFFICIAL_URLS: dict[str, str] = {
    **{
        f"alto-{v}.xsd": f"{_ALTO}/v{v[0]}/alto-{v}.xsd"
        for v in ("1-4", "2-0", "2-1", "3-0", "3-1", "4-0", "4-1", "4-2", "4-3", "4-4")
    },
    "xlink.xsd": "https://www.loc.gov/standards/xlink/xlink.xsd",
    "mets.xsd": "https://www.loc.gov/standards/mets/version1121/mets.xsd",
    "page.xsd": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15/pagecontent.xsd",  # as PRImA publishes it
    "NewsML-G2_2.35-spec-All-Power.xsd": f"{_IPTC}/specification/NewsML-G2_2.35-spec-All-Power.xsd",
    "xml.xsd": f"{_IPTC}/specification/xml.xsd",
    "nitf-3-6.xsd": f"{_IPTC}/examples/nitf-3-6.xsd",
    "nitf-3-6-ruby-include.xsd": f"{_IPTC}/examples/nitf-3-6-ruby-include.xsd",
}
# Not an official file: a two-import driver so that one schema checks NewsML-G2 and the NITF body inside it
# (NewsML-G2 declares inlineXML content `processContents="lax"`). `fetch_schemas` writes it.
NEWSML_NITF_DRIVER = "NewsML-G2_2.35-with-NITF-3.6.xsd"
_DRIVER_TEXT = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by digitize (not an IPTC file): imports the two IPTC schemas beside it so that one XMLSchema
     validates a NewsML-G2 item and the NITF 3.6 document in its inlineXML. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="urn:x-local:newsml-g2-nitf-driver"
           elementFormDefault="qualified">
  <xs:import namespace="http://iptc.org/std/nar/2006-10-01/" schemaLocation="NewsML-G2_2.35-spec-All-Power.xsd"/>
  <xs:import namespace="http://iptc.org/std/NITF/2006-10-18/" schemaLocation="nitf-3-6.xsd"/>
</xs:schema>
"""
KNOWN_SCHEMAS = frozenset(OFFICIAL_URLS) | {NEWSML_NITF_DRIVER}
# Installed packages (import names) whose folder holds official XSDs; found without importing them.
SCHEMA_PACKAGES = ("ocrd_validators",)
MAX_DOWNLOAD_BYTES = 4 * 1024 * 1024  # the largest official file (NewsML-G2 Power) is 331 kB


class SchemaNotFound(RuntimeError):
    """The schema folder (or a schema in it) cannot be found."""


def _holds_schemas(path: Path) -> bool:
    return path.is_dir() and any(path.glob("*.xsd"))


def cache_dir() -> Path:
    """Where `fetch_schemas` writes: ``$DIGITIZE_CACHE_DIR/schemas`` or ``~/.cache/digitize/schemas``."""
    root = os.environ.get(CACHE_ENV_VAR)
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "digitize"
    return base / "schemas"


def package_schema_dirs() -> list[Path]:
    """Folders of installed packages that ship official XSDs (`SCHEMA_PACKAGES`), without importing them."""
    found = []
    for name in SCHEMA_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            if _holds_schemas(Path(location)):
                found.append(Path(location).resolve())
    return found


def shared_schema_dirs() -> list[Path]:
    """The developers' copy: ``shared/schemas`` beside the checkout, or beside the working directory."""
    return [Path(__file__).resolve().parents[1].parent / "shared" / "schemas", Path.cwd().parent / "shared" / "schemas"]


def schema_dirs() -> list[Path]:
    """Every folder holding XSDs, in lookup order (see the module docstring); raises `SchemaNotFound` if none.

    An explicitly set ``DIGITIZE_SCHEMA_DIR`` that holds no ``.xsd`` file is an error (no silent fallback).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        if _holds_schemas(path):
            return [path.resolve()]
        raise SchemaNotFound(
            f"{ENV_VAR}={env!r} is not a folder holding .xsd files; "
            f"set {ENV_VAR} to the folder holding {_EXPECTED}, or unset it and {FETCH_HINT}"
        )
    candidates = [*shared_schema_dirs(), cache_dir()]
    found = [p.resolve() for p in dict.fromkeys(candidates) if _holds_schemas(p)]
    found += [p for p in package_schema_dirs() if p not in found]
    if found:
        return found
    tried = ", ".join(str(p) for p in dict.fromkeys(candidates))
    raise SchemaNotFound(f"XML schemas not found (tried {tried}); {FETCH_HINT}, or set {ENV_VAR}")


def schema_dir() -> Path:
    """The first folder of `schema_dirs` (kept for callers that want one folder)."""
    return schema_dirs()[0]


def find_schema(name: str) -> Path | None:
    """The file ``name`` (e.g. ``"alto-4-4.xsd"``) from the first folder of `schema_dirs` holding it, or None.

    Raises `SchemaNotFound` when no folder exists at all, or when ``name`` is one of the official schemas
    (`KNOWN_SCHEMAS`) that no folder holds: that is a missing install step, not a bad input file.
    """
    if not name or Path(name).name != name:
        raise ValueError(f"schema name must be a bare file name such as 'alto-4-4.xsd', got {name!r}")
    folders = schema_dirs()
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    if name in KNOWN_SCHEMAS:
        raise SchemaNotFound(f"{name} is in none of {', '.join(map(str, folders))}; {FETCH_HINT}")
    return None


def has_schema(name: str) -> bool:
    """Whether `find_schema` finds ``name`` (with its errors for a missing official schema)."""
    return find_schema(name) is not None


def page_json_schema() -> dict:
    """The JSON schema of the page model export (``digitize/data/digitize-page.schema.json``, in the wheel)."""
    return json.loads(resources.files("digitize").joinpath("data", JSON_SCHEMA).read_text(encoding="utf-8"))


class _NoRemote(etree.Resolver):
    """Refuse any schema import/include that would be fetched over the network."""

    def resolve(self, system_url, public_id, context):  # lxml's Resolver API
        if system_url and "://" in system_url and not system_url.startswith("file:"):
            raise SchemaNotFound(
                f"schema refers to remote {system_url}; every import must point at a local file ({FETCH_HINT})"
            )
        return None  # let libxml2 load local files itself


def _safe_parser(for_schema: bool = False) -> etree.XMLParser:
    parser = etree.XMLParser(
        no_network=True, resolve_entities=False, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    if for_schema:
        parser.resolvers.add(_NoRemote())
    return parser


_cache: dict[tuple[Path, str], etree.XMLSchema] = {}
_lock = threading.Lock()


def load_schema(name: str) -> etree.XMLSchema:
    """Compile the schema file ``name`` (e.g. ``"alto-4-4.xsd"``) found by `find_schema`, cached per folder and name.

    A compiled `XMLSchema` keeps its last ``error_log`` on the object: don't validate with one schema from
    several threads at once (use `validate`, which serializes calls).
    """
    path = find_schema(name)
    if path is None:
        folders = schema_dirs()
        available = ", ".join(sorted({p.name for folder in folders for p in folder.glob("*.xsd")}))
        raise SchemaNotFound(f"{name} is in none of {', '.join(map(str, folders))} (they have: {available})")
    key = (path.parent, name)
    with _lock:
        schema = _cache.get(key)
        if schema is None:
            doc = etree.parse(str(path), _safe_parser(for_schema=True))
            schema = etree.XMLSchema(doc)
            _cache[key] = schema
        return schema


def parse_safely(xml: bytes | Path | str) -> etree._ElementTree:
    """Parse a document (its bytes, or a path) with no network access and no entity expansion.

    Raises `etree.XMLSyntaxError` for malformed XML.
    """
    parser = _safe_parser()
    if isinstance(xml, (bytes, bytearray, memoryview)):
        return etree.ElementTree(etree.fromstring(bytes(xml), parser))
    return etree.parse(str(xml), parser)


def validate_tree(doc: etree._ElementTree, schema_name: str) -> list[str]:
    """Validate a parsed document against ``schema_name``; return error messages with line numbers."""
    schema = load_schema(schema_name)
    with _lock:
        if schema.validate(doc):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]


def validate(xml: bytes | Path | str, schema_name: str) -> list[str]:
    """Validate an XML document against ``schema_name``; return error messages with line numbers.

    ``xml`` is the document's bytes, or a path (`Path` or `str`) to it. Malformed XML is reported as an
    error message too. An empty list means the document is valid.
    """
    load_schema(schema_name)  # a missing schema is an error even for malformed input
    try:
        doc = parse_safely(xml)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    return validate_tree(doc, schema_name)


# --- fetching the official XSDs into the cache ------------------------------------------------------------------

_REMOTE_LOCATION = re.compile(rb'schemaLocation="(https?://[^"]*/([^/"]+\.xsd))"')
SOURCES_FILE = "SOURCES.json"  # what `fetch_schemas` wrote: each file's origin and sha256


@dataclass(frozen=True)
class Fetched:
    name: str
    origin: str  # the folder or address the file came from, "written by digitize", or "" when missing
    sha256: str = ""


def _localize_imports(data: bytes) -> bytes:
    """Point imports of XSDs we fetch too (``xlink.xsd``, ``xml.xsd``) at the local copy, as shared/ does."""

    def local(m: re.Match) -> bytes:
        return b'schemaLocation="%s"' % m.group(2) if m.group(2).decode() in OFFICIAL_URLS else m.group(0)

    return _REMOTE_LOCATION.sub(local, data)


def _download(url: str) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise SchemaNotFound(f"refusing to download {url!r}: only http(s) addresses")
    request = urllib.request.Request(url, headers={"User-Agent": "digitize fetch-schemas"})
    with urllib.request.urlopen(request, timeout=60) as response:
        data = response.read(MAX_DOWNLOAD_BYTES + 1)
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise SchemaNotFound(f"{url} is larger than {MAX_DOWNLOAD_BYTES} bytes; not an XSD")
    return data


def fetch_schemas(
    source: Path | str | None = None,
    *,
    download: bool = False,
    dest: Path | str | None = None,
    urls: dict[str, str] | None = None,
) -> list[Fetched]:
    """Put the official XSDs into ``dest`` (default `cache_dir`), where `schema_dirs` finds them.

    Each file comes from the first of: the folder ``source`` (e.g. a copy of shared/schemas), an installed
    package of `SCHEMA_PACKAGES`, or, only when ``download`` is true, its publisher's address in ``urls``
    (default `OFFICIAL_URLS`). Imports of ``xlink.xsd``/``xml.xsd`` by address are pointed at the local copy.
    The folder is replaced only when every top-level schema obtained compiles with no network access; a
    ``SOURCES.json`` beside them records each file's origin and sha256. Returns one `Fetched` per file
    (``origin == ""`` for those found nowhere). Raises `SchemaNotFound` (with the failing file) otherwise.
    """
    urls = OFFICIAL_URLS if urls is None else urls
    dest = Path(dest).expanduser() if dest else cache_dir()
    folders = [Path(source).expanduser()] if source else []
    if source and not folders[0].is_dir():
        raise SchemaNotFound(f"{source} is not a folder")
    folders += package_schema_dirs()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".schemas-", dir=dest.parent))
    try:
        results = []
        for name in OFFICIAL_URLS:
            origin, data = "", b""
            for folder in folders:
                if (folder / name).is_file():
                    origin, data = str(folder.resolve()), (folder / name).read_bytes()
                    break
            else:
                if download and name in urls:
                    try:
                        data, origin = _download(urls[name]), urls[name]
                    except OSError as exc:  # URLError and HTTPError are OSErrors
                        raise SchemaNotFound(f"cannot download {name} from {urls[name]}: {exc}") from exc
            if data:
                data = _localize_imports(data)
                (staging / name).write_bytes(data)
            results.append(Fetched(name, origin, hashlib.sha256(data).hexdigest() if data else ""))
        have = {f.name for f in results if f.origin}
        if {"NewsML-G2_2.35-spec-All-Power.xsd", "nitf-3-6.xsd"} <= have:
            (staging / NEWSML_NITF_DRIVER).write_text(_DRIVER_TEXT, encoding="utf-8")
            results.append(
                Fetched(NEWSML_NITF_DRIVER, "written by digitize", hashlib.sha256(_DRIVER_TEXT.encode()).hexdigest())
            )
        if not any(f.origin for f in results):
            raise SchemaNotFound(
                "no XSD found to fetch: name a folder holding them, install ocrd-validators, or allow the download"
            )
        for path in sorted(staging.glob("*.xsd")):  # every file must compile offline on its own
            if path.name not in ("xlink.xsd", "xml.xsd", "nitf-3-6-ruby-include.xsd"):
                try:
                    etree.XMLSchema(etree.parse(str(path), _safe_parser(for_schema=True)))
                except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
                    raise SchemaNotFound(
                        f"{path.name} (from {_origin(results, path.name)}) is not a usable XSD: {exc}"
                    ) from exc
        record = {
            "fetched": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "files": [f.__dict__ for f in results if f.origin],
        }
        (staging / SOURCES_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        old = dest.with_name(dest.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if dest.exists():
            dest.rename(old)
        staging.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
        with _lock:
            _cache.clear()
        return results
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _origin(results: list[Fetched], name: str) -> str:
    return next((f.origin for f in results if f.name == name), "?")
