"""NewsML-G2 2.35 export: one ``newsItem`` per article, a ``packageItem`` grouping them by page.

Every article becomes a text item (``ninat:text``) whose ``contentMeta`` carries the headline, the kicker or
subtitle as sub-headline, the byline, the dateline, a slugline and the language, and whose ``contentSet``
carries the article as NITF 3.6 (``hedline/hl1``, ``byline``, ``body.content/p``) or XHTML. An article
continued on another page of the issue (``Document.article_links``) is one item: its parts are read in
order and the continuation markers between them are dropped.

IDs are reproducible: a GUID is a name-based UUID of the page checksum and the article key, and
``versionCreated``/``firstCreated`` are the issue date from the page header (or the caller's value), never
the clock; ``contentCreated`` is the issue date.

What an archive ingests besides the text (issue 15): the paper as ``provider`` and ``infoSource`` (from
`IssueMetadata` or the page header), ``rightsInfo`` (copyright holder and usage terms, settable),
``creditline``, ``generator`` (digitize), ``link``s from each item to its page images and ALTO files (when
the caller names them), and NITF ``docdata`` (document id, issue date, copyright) and ``pubdata`` (paper,
date, edition, volume, issue, page). A continued article's paragraphs are those of the issue text
(`text.continued.whole_article`): the paragraph cut by the page jump is one ``<p>``.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from ..model import Article, Continuation, Document, Page, Paragraph, Role
from .alto import _software_version, sub_element, xml_text
from .issue_metadata import IssueMetadata
from .punctuation import format_paragraph

NAR_NS = "http://iptc.org/std/nar/2006-10-01/"
NITF_NS = "http://iptc.org/std/NITF/2006-10-18/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STANDARD_VERSION = "2.35"
IPTC_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"
# Our own controlled vocabulary for the roles IPTC has no code for (page groups, headline kinds); declared
# in each item's inline catalog so the QCodes resolve.
OWN_SCHEME = ("dgzrole", "urn:x-digitize:cv:role:")
BODIES = {"nitf": "application/nitf+xml", "xhtml": "application/xhtml+xml"}
# When the page header gives no date: a fixed value, so output stays reproducible.
FALLBACK_VERSION_CREATED = "1970-01-01T00:00:00Z"

_NAR = "{%s}" % NAR_NS
# "本报北京6月30日电", "新华社北京6月30日电", "本报讯" opening a Chinese story; "WASHINGTON —" an English one.
DATELINE = re.compile(
    r"^\s*(?P<dateline>(?:本报|新华社|中新社)[\u4e00-\u9fff]{0,8}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*电|本报讯"
    r"|[A-Z][A-Z .,'-]{2,40}(?=\s+[—–-]{1,2}\s))"
)


# ------------------------------------------------------------------------------------------ stories


@dataclass
class Story:
    """An article of the issue: one part, or several linked parts across pages (forward part first)."""

    key: str  # "P{page}_{article id}" of the first part, as in ALTO IDs
    parts: list[tuple[Page, Article]]

    @property
    def first_page(self) -> Page:
        return self.parts[0][0]

    @property
    def pages(self) -> list[int]:
        return list(dict.fromkeys(page.number for page, _ in self.parts))


def article_key(page: Page, article: Article) -> str:
    return f"P{page.number}_{article.id}"


def issue_stories(doc: Document) -> list[Story]:
    """The issue's articles, each continued article joined into one story, in page and reading order."""
    found = {(p.number, a.id): (p, a) for p in doc.pages for a in p.articles}
    following = {src: dst for src, dst in doc.article_links if src in found and dst in found}
    continued = set(following.values())
    stories: list[Story] = []
    for page in doc.pages:
        for article in sorted(page.articles, key=lambda a: (a.order < 0, a.order)):
            ref = (page.number, article.id)
            if ref in continued:
                continue  # read as part of the story it continues
            parts, seen = [], set()
            next_ref: tuple[int, str] | None = ref
            while next_ref in found and next_ref not in seen:  # `seen` guards against a cycle of links
                seen.add(next_ref)
                parts.append(found[next_ref])
                next_ref = following.get(next_ref)
            stories.append(Story(article_key(page, article), parts))
    return stories


@dataclass
class StoryText:
    """What a story says, by function: the pieces NewsML metadata and bodies are made of."""

    headline: str
    subheadlines: list[str]
    bylines: list[str]
    dateline: str
    paragraphs: list[Paragraph]  # body content in order: body, intertitle, caption, …
    language: str


def _one_line(text: str) -> str:
    return " ".join(xml_text(text).split())


def story_text(story: Story, punctuation: str = "original", doc: Document | None = None) -> StoryText:
    """Split a story's paragraphs into headline, sub-headlines, bylines and body (the parts after the first
    lose their repeated headings and, when linked, the continuation markers that point between parts). With
    ``doc``, a continued story's paragraphs are the issue text's (`text.continued.whole_article`: markers out, the
    paragraph cut by the page jump joined again)."""
    linked = len(story.parts) > 1
    headlines: list[str] = []
    subs: list[str] = []
    bylines: list[str] = []
    body: list[Paragraph] = []
    if linked and doc is not None:
        from ..text.continued import whole_article

        page, article = story.parts[0]
        linked_doc = _linked_view(doc, story)
        for para in whole_article(
            linked_doc,
            linked_doc.pages[page.number - 1],
            linked_doc.pages[page.number - 1].articles[[a.id for a in page.articles].index(article.id)],
        ):
            text = _one_line(format_paragraph(para, punctuation))
            if not text or para.role is Role.CONTINUATION:
                continue
            started = bool(body or bylines)  # a heading after the body began is a continued part's repeat
            if para.role is Role.HEADLINE:
                if not started:
                    headlines.append(text)
            elif para.role in (Role.KICKER, Role.SUBTITLE):
                if not started:
                    subs.append(text)
            elif para.role is Role.BYLINE:
                bylines.append(text)
            else:
                body.append(Paragraph(para.role, text, para.block_ids))
        return _story_text(story, headlines, subs, bylines, body)
    for k, (_, article) in enumerate(story.parts):
        markers = [c.marker for c in article.continuations if c.marker] if linked else []
        for para in article.paragraphs():
            text = format_paragraph(para, punctuation)
            for marker in markers:
                text = text.replace(marker, "")
            text = _one_line(text)
            if not text or (linked and para.role is Role.CONTINUATION):
                continue
            if para.role is Role.HEADLINE:
                if k == 0:
                    headlines.append(text)
            elif para.role in (Role.KICKER, Role.SUBTITLE):
                if k == 0:
                    subs.append(text)
            elif para.role is Role.BYLINE:
                bylines.append(text)
            else:
                body.append(Paragraph(para.role, text, para.block_ids))
    return _story_text(story, headlines, subs, bylines, body)


def _linked_view(doc: Document, story: Story) -> Document:
    """A shallow view of ``doc`` whose articles link their parts as ``story`` does (`issue_stories` follows
    ``Document.article_links``, `text.continued.whole_article` the continuations' ``linked_to``): nothing is changed in
    ``doc``."""
    forward = {(p.number, a.id): (q.number, b.id) for (p, a), (q, b) in zip(story.parts, story.parts[1:])}
    pages = []
    for page in doc.pages:
        articles = []
        for art in page.articles:
            target = forward.get((page.number, art.id))
            continuations = [c for c in art.continuations if c.direction != "forward"]
            if target:
                marker = next((c for c in art.continuations if c.direction == "forward"), None)
                continuations.append(
                    dataclasses.replace(marker, linked_to=target)
                    if marker
                    else Continuation("forward", "", "", art.blocks[-1].id if art.blocks else "", target)
                )
            articles.append(dataclasses.replace(art, continuations=continuations))
        pages.append(dataclasses.replace(page, articles=articles))
    return Document(doc.path, pages, doc.article_links)


def _story_text(
    story: Story, headlines: list[str], subs: list[str], bylines: list[str], body: list[Paragraph]
) -> StoryText:
    dateline = ""
    first_body = next((p for p in body if p.role is Role.BODY), None)
    if first_body is not None and (m := DATELINE.match(first_body.text)):
        dateline = m.group("dateline").strip()
    languages = Counter(
        b.language for _, a in story.parts for b in a.blocks if b.role.has_text and b.lines and b.language
    )
    return StoryText(
        headline=" ".join(headlines),
        subheadlines=subs,
        bylines=bylines,
        dateline=dateline,
        paragraphs=body,
        language=languages.most_common(1)[0][0] if languages else "und",
    )


def story_guid(story: Story) -> str:
    return _guid(story.first_page, story.key)


def _guid(page: Page, key: str) -> str:
    checksum = page.source.sha256 or page.source.path
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"digitize:{checksum}:{key}"))


def version_created(doc: Document, fixed: str | None = None) -> str:
    """``fixed`` when given, else the issue date from the first page header that has one (midnight UTC)."""
    if fixed:
        return fixed
    for page in doc.pages:
        date = page.metadata.get("date")
        if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            return f"{date}T00:00:00Z"
    return FALLBACK_VERSION_CREATED


# ------------------------------------------------------------------------------------------ writers


def _sub(parent, name: str, text: str | None = None, ns: str = NAR_NS, **attrs: str):
    return sub_element(parent, f"{{{ns}}}{name}", text, **attrs)


def _item(tag: str, guid: str, language: str) -> etree._Element:
    item = etree.Element(_NAR + tag, nsmap={None: NAR_NS})
    item.set("guid", guid)
    item.set("version", "1")
    item.set("standard", "NewsML-G2")
    item.set("standardversion", STANDARD_VERSION)
    item.set("conformance", "power")
    item.set(XML_LANG, language)
    _sub(item, "catalogRef", href=IPTC_CATALOG)
    catalog = _sub(item, "catalog")
    _sub(catalog, "scheme", alias=OWN_SCHEME[0], uri=OWN_SCHEME[1])
    return item


def _paper(doc: Document | None, metadata: IssueMetadata) -> str | None:
    """The newspaper's name: the metadata's publisher or title, else the page header's title."""
    if metadata.publisher or metadata.title:
        return metadata.publisher or metadata.title
    for page in doc.pages if doc else []:
        if page.metadata.get("title"):
            return page.metadata["title"]
    return None


def _rights(item, metadata: IssueMetadata, paper: str | None) -> None:
    holder = metadata.rights_holder or paper
    if not (holder or metadata.rights):
        return
    rights = _sub(item, "rightsInfo")
    if holder:
        _sub(rights, "copyrightHolder", literal=holder)
    if metadata.rights:
        _sub(rights, "usageTerms", metadata.rights)


def _item_meta(
    item,
    item_class: str,
    created: str,
    title: str | None = None,
    provider: str | None = None,
    links: Sequence[tuple[str, str, str]] = (),
) -> None:
    meta = _sub(item, "itemMeta")
    _sub(meta, "itemClass", qcode=item_class)
    _sub(meta, "provider", literal=provider or "digitize")
    _sub(meta, "versionCreated", created)
    _sub(meta, "firstCreated", created)
    _sub(meta, "pubStatus", qcode="stat:usable")
    _sub(meta, "generator", f"digitize {_software_version()}", versioninfo=_software_version())
    if title:
        _sub(meta, "title", title)
    for href, contenttype, rel in links:
        _sub(meta, "link", rel=rel, href=href, contenttype=contenttype)


def _nitf_body(text: StoryText, docdata: dict | None = None) -> etree._Element:
    def sub(parent, name, value=None, **attrs):
        return _sub(parent, name, value, ns=NITF_NS, **attrs)

    nitf = etree.Element(f"{{{NITF_NS}}}nitf", nsmap={None: NITF_NS})
    head = sub(nitf, "head")
    sub(head, "title", text.headline or None)
    if docdata:
        data = sub(head, "docdata")
        sub(data, "doc-id", **{"id-string": docdata["id"]})
        if docdata.get("date"):
            sub(data, "date.issue", norm=docdata["date"].replace("-", "") + "T000000")
        if docdata.get("holder"):
            sub(data, "doc.copyright", holder=docdata["holder"])
        if docdata.get("rights"):
            sub(data, "doc.rights", limitations=docdata["rights"])
        date = docdata["date"].replace("-", "") + "T000000" if docdata.get("date") else None
        sub_element(
            head,
            f"{{{NITF_NS}}}pubdata",
            None,
            **{
                "type": "print",
                "name": docdata.get("paper"),
                "date.publication": date,
                "edition.name": docdata.get("edition"),
                "volume": docdata.get("volume"),
                "issue": docdata.get("issue"),
                "position.sequence": docdata.get("pages"),
            },
        )
    body = sub(nitf, "body")
    body_head = sub(body, "body.head")
    hedline = sub(body_head, "hedline")
    sub(hedline, "hl1", text.headline)
    for s in text.subheadlines:
        sub(hedline, "hl2", s)
    for b in text.bylines:
        sub(body_head, "byline", b)
    if text.dateline:
        sub(body_head, "dateline", text.dateline)
    content = sub(body, "body.content")
    for para in text.paragraphs:
        if para.role is Role.INTERTITLE:
            sub(content, "hl2", para.text)
        else:
            sub(content, "p", para.text, **{"class": None if para.role is Role.BODY else para.role.value})
    return nitf


def _xhtml_body(text: StoryText) -> etree._Element:
    def sub(parent, name, value=None, **attrs):
        return _sub(parent, name, value, ns=XHTML_NS, **attrs)

    html = etree.Element(f"{{{XHTML_NS}}}html", nsmap={None: XHTML_NS})
    head = sub(html, "head")
    sub(head, "title", text.headline)
    body = sub(html, "body")
    if text.headline:
        sub(body, "h1", text.headline)
    for s in text.subheadlines:
        sub(body, "h2", s)
    for b in text.bylines:
        sub(body, "p", b, **{"class": "byline"})
    if text.dateline:
        sub(body, "p", text.dateline, **{"class": "dateline"})
    for para in text.paragraphs:
        if para.role is Role.INTERTITLE:
            sub(body, "h3", para.text)
        else:
            sub(body, "p", para.text, **{"class": None if para.role is Role.BODY else para.role.value})
    return html


def story_to_news_item(
    story: Story,
    created: str,
    body: str = "nitf",
    punctuation: str = "original",
    doc: Document | None = None,
    metadata: IssueMetadata | None = None,
    page_links: dict[int, list[tuple[str, str]]] | None = None,
) -> etree._Element:
    """The ``newsItem`` element of one story. ``doc`` (the issue) joins a continued story's paragraphs as the
    issue text does; ``metadata`` names the paper, rights and edition; ``page_links`` maps a page number to
    the (href, content type) of its files (page image, ALTO), linked from the item."""
    if body not in BODIES:
        raise ValueError(f"body must be one of {', '.join(BODIES)}, got {body!r}")
    metadata = metadata or IssueMetadata()
    text = story_text(story, punctuation, doc)
    paper = _paper(doc, metadata) or _paper(Document("", [p for p, _ in story.parts]), metadata)
    date = metadata.date or next((p.metadata.get("date") for p, _ in story.parts if p.metadata.get("date")), None)
    item = _item("newsItem", story_guid(story), text.language)
    _rights(item, metadata, paper)
    links = [
        (href, ctype, "irel:seeAlso") for number in story.pages for href, ctype in (page_links or {}).get(number, [])
    ]
    _item_meta(item, "ninat:text", created, provider=paper, links=links)
    meta = _sub(item, "contentMeta")
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        _sub(meta, "contentCreated", date)
    if paper:
        _sub(meta, "infoSource", literal=paper, role="infosrc:originatingsource")
    _sub(meta, "language", tag=text.language)
    slug = text.headline or (text.paragraphs[0].text if text.paragraphs else story.key)
    _sub(meta, "slugline", slug[:24])
    if text.headline:
        _sub(meta, "headline", text.headline, role=f"{OWN_SCHEME[0]}:main")
    for s in text.subheadlines:
        _sub(meta, "headline", s, role=f"{OWN_SCHEME[0]}:subheadline")
    if text.dateline:
        _sub(meta, "dateline", text.dateline)
    for b in text.bylines:
        _sub(meta, "by", b)
    if paper:
        _sub(meta, "creditline", paper)
    inline = _sub(_sub(item, "contentSet"), "inlineXML", contenttype=BODIES[body])
    docdata = {
        "id": story_guid(story),
        "date": date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
        "holder": metadata.rights_holder or paper,
        "rights": metadata.rights,
        "paper": paper,
        "edition": metadata.edition,
        "volume": metadata.volume,
        "issue": metadata.issue_number,
        "pages": ",".join(dict.fromkeys(p.label or str(p.number) for p, _ in story.parts)),
    }
    inline.append(_nitf_body(text, docdata) if body == "nitf" else _xhtml_body(text))
    return item


def document_to_package_item(
    doc: Document, created: str | None = None, stories: list[Story] | None = None, metadata: IssueMetadata | None = None
) -> etree._Element:
    """One ``packageItem`` for the issue: a root group of page groups, each listing its articles in page
    order (a story continued across pages is listed on every page it is printed on)."""
    stories = issue_stories(doc) if stories is None else stories
    created = version_created(doc, created)
    languages = Counter(story_text(s).language for s in stories)
    first = doc.pages[0] if doc.pages else None
    guid = (
        _guid(first, "package") if first else "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"digitize:{doc.path}"))
    )
    item = _item("packageItem", guid, languages.most_common(1)[0][0] if languages else "und")
    metadata = metadata or IssueMetadata()
    title = metadata.title or (first.metadata.get("title") if first else None)
    paper = _paper(doc, metadata)
    _rights(item, metadata, paper)
    _item_meta(item, "ninat:composite", created, title, provider=paper)
    group_set = _sub(item, "groupSet", root="G_ISSUE")
    root = _sub(group_set, "group", id="G_ISSUE", role="group:main", mode="pgrmod:seq")
    for page in doc.pages:
        on_page = [s for s in stories if page.number in s.pages]
        if not on_page:
            continue
        gid = f"G_P{page.number}"
        _sub(root, "groupRef", idref=gid)
        group = _sub(group_set, "group", id=gid, role=f"{OWN_SCHEME[0]}:page", mode="pgrmod:seq")
        _sub(group, "title", f"page {page.label or page.number}")
        for story in on_page:
            ref = _sub(
                group,
                "itemRef",
                residref=story_guid(story),
                version="1",
                contenttype="application/vnd.iptc.g2.newsitem+xml",
            )
            _sub(ref, "itemClass", qcode="ninat:text")
            headline = story_text(story).headline
            if headline:
                _sub(ref, "title", headline)
    return item


def _bytes(el: etree._Element) -> bytes:
    return etree.tostring(el, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def document_to_newsml(
    doc: Document,
    body: str = "nitf",
    created: str | None = None,
    punctuation: str = "original",
    metadata: IssueMetadata | None = None,
    page_links: dict[int, list[tuple[str, str]]] | None = None,
) -> list[tuple[str, bytes]]:
    """One standalone NewsML-G2 ``newsItem`` document per story: ``[(article key, bytes), …]``."""
    created = version_created(doc, created or (metadata.created if metadata else None))
    return [
        (s.key, _bytes(story_to_news_item(s, created, body, punctuation, doc, metadata, page_links)))
        for s in issue_stories(doc)
    ]


def document_to_news_message(
    doc: Document,
    body: str = "nitf",
    created: str | None = None,
    punctuation: str = "original",
    metadata: IssueMetadata | None = None,
    page_links: dict[int, list[tuple[str, str]]] | None = None,
) -> bytes:
    """One ``newsMessage`` holding the issue's ``packageItem`` followed by every ``newsItem``: the file
    ``digitize run --format newsml`` writes (``<stem>.newsml.xml``). ``metadata`` and ``page_links`` as for
    `story_to_news_item`; ``created`` (default: the metadata's, else the issue date) is every item's
    ``versionCreated`` and ``firstCreated`` and the message's ``sent``."""
    created = version_created(doc, created or (metadata.created if metadata else None))
    stories = issue_stories(doc)
    message = etree.Element(_NAR + "newsMessage", nsmap={None: NAR_NS})
    header = _sub(message, "header")
    _sub(header, "sent", created)  # the issue's date, not the clock: reproducible output
    _sub(header, "sender", "digitize")
    items = _sub(message, "itemSet")
    items.append(document_to_package_item(doc, created, stories, metadata))
    for story in stories:
        items.append(story_to_news_item(story, created, body, punctuation, doc, metadata, page_links))
    return _bytes(message)
