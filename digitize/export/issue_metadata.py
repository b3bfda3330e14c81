"""What a library knows about an issue beyond what its pages say: the METS, NewsML-G2 and PDF writers take it."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class IssueMetadata:
    """What a library records about an issue, beyond what the page header gives. Every field is optional;
    the CLI fills it from options or a sidecar file (TOML/JSON per issue folder), the page header fills title
    and date when they are missing here. ``identifier`` is the issue's persistent identifier (OCR-D wants
    one of type purl, urn, doi or url); without one, an identifier is derived from the pages' checksums, so
    it is stable across runs. ``page_identifiers`` maps page number to that page's identifier (default
    ``{identifier}/p{number}``)."""

    identifier: str | None = None
    identifier_type: str = "urn"
    other_identifiers: dict[str, str] = field(default_factory=dict)  # type -> value (e.g. lccn, zdb, issn)
    title: str | None = None
    publisher: str | None = None
    place: str | None = None
    date: str | None = None  # ISO 8601 issue date
    edition: str | None = None
    volume: str | None = None
    issue_number: str | None = None
    language: str | None = None  # ISO 639-2/B code for MODS (chi, eng); default from the text
    rights: str | None = None  # the rights statement (text or a URI such as a rightsstatements.org one)
    rights_holder: str | None = None
    institution: str | None = None  # the organisation that digitized the issue: the METS CREATOR agent
    created: str | None = None  # xsd:dateTime of the METS (CREATEDATE); default the issue date
    page_identifiers: dict[int, str] = field(default_factory=dict)


SIDECAR_NAMES = ("issue.toml", "issue.json")  # an issue folder's own metadata, found by `batch --issue-per-folder`


class IssueMetadataError(ValueError):
    """An issue metadata file that cannot be used; the message is one line naming the file and the key."""


def issue_metadata_from_file(path: Path, base: IssueMetadata | None = None) -> IssueMetadata:
    """The fields of a TOML or JSON file (keys as `IssueMetadata`'s fields; ``page_identifiers`` keyed by page
    number), over ``base``. Unknown keys and values of the wrong type are refused, naming the key."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8-sig")) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise IssueMetadataError(f"{path}: not a readable TOML or JSON file ({exc})") from None
    if not isinstance(data, dict):
        raise IssueMetadataError(f"{path}: expected a table of fields")
    known = {f.name: f for f in fields(IssueMetadata)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise IssueMetadataError(f"{path}: unknown field {key!r} (known: {', '.join(known)})")
        if key == "other_identifiers":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise IssueMetadataError(f"{path}: {key} must be a table of strings")
        elif key == "page_identifiers":
            try:
                value = {int(k): str(v) for k, v in dict(value).items()}
            except (TypeError, ValueError):
                raise IssueMetadataError(f"{path}: {key} must map page numbers to identifiers") from None
        elif not isinstance(value, str):
            raise IssueMetadataError(f"{path}: {key} must be a string, not {type(value).__name__}")
        values[key] = value
    return replace(base or IssueMetadata(), **values)
