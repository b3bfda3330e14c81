"""What a library knows about an issue beyond what its pages say: the METS, NewsML-G2 and PDF writers take it."""

from __future__ import annotations

from dataclasses import dataclass, field


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
