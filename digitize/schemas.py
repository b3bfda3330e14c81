"""Offline XML schema lookup and validation (ALTO 4.4, NewsML-G2, METS, …).

The official XSDs are never copied into this repository. They live in a shared folder (by default
``../shared/schemas`` next to the checkout) whose imports all point at local files, so validation
never touches the network. Set ``DIGITIZE_SCHEMA_DIR`` to use another folder.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from lxml import etree

ENV_VAR = "DIGITIZE_SCHEMA_DIR"
_EXPECTED = "alto-4-4.xsd, NewsML-G2_2.35-spec-All-Power.xsd, mets.xsd"


class SchemaNotFound(RuntimeError):
    """The schema folder (or a schema in it) cannot be found."""


def _holds_schemas(path: Path) -> bool:
    return path.is_dir() and any(path.glob("*.xsd"))


def schema_dir() -> Path:
    """The folder holding the XSDs: ``$DIGITIZE_SCHEMA_DIR``, else ``../shared/schemas`` beside the repo.

    An explicitly set ``DIGITIZE_SCHEMA_DIR`` that holds no ``.xsd`` file is an error (no silent fallback).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        if _holds_schemas(path):
            return path.resolve()
        raise SchemaNotFound(
            f"{ENV_VAR}={env!r} is not a folder holding .xsd files; "
            f"set {ENV_VAR} to the folder holding {_EXPECTED} (see shared/schemas/README.md)"
        )
    candidates = [
        Path(__file__).resolve().parents[1].parent / "shared" / "schemas",
        Path.cwd().parent / "shared" / "schemas",
    ]
    for path in candidates:
        if _holds_schemas(path):
            return path.resolve()
    tried = ", ".join(str(p) for p in dict.fromkeys(candidates))
    raise SchemaNotFound(
        f"XML schemas not found (tried {tried}); set {ENV_VAR} to the folder holding {_EXPECTED}"
    )


class _NoRemote(etree.Resolver):
    """Refuse any schema import/include that would be fetched over the network."""

    def resolve(self, system_url, public_id, context):  # lxml's Resolver API
        if system_url and "://" in system_url and not system_url.startswith("file:"):
            raise SchemaNotFound(
                f"schema refers to remote {system_url}; every import must point at a local file in {ENV_VAR}"
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
    """Compile the schema file ``name`` (e.g. ``"alto-4-4.xsd"``) from `schema_dir`, cached per folder and name.

    A compiled `XMLSchema` keeps its last ``error_log`` on the object: don't validate with one schema from
    several threads at once (use `validate`, which serializes calls).
    """
    if not name or Path(name).name != name:
        raise ValueError(f"schema name must be a bare file name such as 'alto-4-4.xsd', got {name!r}")
    folder = schema_dir()
    key = (folder, name)
    with _lock:
        schema = _cache.get(key)
        if schema is None:
            path = folder / name
            if not path.is_file():
                available = ", ".join(sorted(p.name for p in folder.glob("*.xsd")))
                raise SchemaNotFound(f"{name} is not in {folder} (has: {available}); check {ENV_VAR}")
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
