"""NewsML-G2 into the page model: the ``newsMessage`` `digitize.export.newsml` writes (a ``packageItem``
grouping ``newsItem``s by page, then the items), or one bare ``newsItem``.

Pages are the package's page groups, in the order the root group lists them, numbered and labelled as the
groups say (``id="G_P2"``, title ``page 4``); without a package (or groups) the file is one page. Each
``newsItem`` is one article, on the first page whose group lists it, in package order; items no group lists
follow on the last page. A story the writer joined across pages therefore comes back as one article.

An article's blocks come from its body (NITF ``hedline/hl1``, ``hl2``, ``byline``, ``body.content/p`` and
``hl2`` as intertitles; or XHTML ``h1``, ``h2``, ``p class="byline"``, ``p``, ``h3``–``h6``), falling back on
``contentMeta`` (``headline`` with role ``dgzrole:main`` / ``dgzrole:subheadline``, ``by``) for what the body
lacks. The writer lists kickers and subtitles alike as sub-headlines; one that opens with a dash (——) is a
subtitle and follows the headline, any other is a kicker and precedes it. The dateline is not a block: the
writer copies it from the first body paragraph, which keeps it.

Every paragraph is one block of one line, with no join (the paragraph ends there). NewsML has no geometry,
so the lines are set as a galley by the convention of `digitize.read.text` (one em per character, 1.5 em
line pitch, a blank em between paragraphs).
"""

from __future__ import annotations

import hashlib
import os
import re

from lxml import etree

from ..model import Article, Block, Document, Line, Page, PageSource, Role
from ..text.language import guess_language
from ..text.patterns import SUBTITLE_DASH
from .common import ReadError, finish_page, local_name, namespace
from .text import EM, MARGIN

NAR_NAMESPACE_PREFIX = "http://iptc.org/std/nar/"
NEWSML_ROOTS = ("newsMessage", "newsItem", "packageItem")
MIME = "application/vnd.iptc.g2.newsmessage+xml"

_PAGE_GROUP_ID = re.compile(r"^G_P(\d+)$")
_PAGE_TITLE = re.compile(r"^\s*page\s+(.+?)\s*$", re.I)
_TEXT_ROLES = {r.value: r for r in Role if r.has_text}


def is_newsml(root: etree._Element) -> bool:
    return local_name(root) in NEWSML_ROOTS and (namespace(root) or "").startswith(NAR_NAMESPACE_PREFIX)


# ------------------------------------------------------------------------------------------ helpers


def _children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el if local_name(c) == name]


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _text(el: etree._Element | None) -> str:
    """An element's text, descendants included, on one line."""
    return "" if el is None else " ".join("".join(el.itertext()).split())


class _Story:
    """What one newsItem says, by function."""

    def __init__(self) -> None:
        self.headlines: list[str] = []
        self.subheadlines: list[str] = []
        self.bylines: list[str] = []
        self.body: list[tuple[Role, str]] = []
        self.language = "und"

    def blocks(self) -> list[tuple[Role, str]]:
        """In reading order: kickers, headline, subtitles, bylines, body."""
        kickers = [s for s in self.subheadlines if not SUBTITLE_DASH.match(s)]
        subtitles = [s for s in self.subheadlines if SUBTITLE_DASH.match(s)]
        if not self.headlines:  # nothing to stand before or after: keep the file's order
            kickers, subtitles = [], self.subheadlines
        return (
            [(Role.KICKER, t) for t in kickers]
            + [(Role.HEADLINE, t) for t in self.headlines]
            + [(Role.SUBTITLE if SUBTITLE_DASH.match(t) else Role.KICKER, t) for t in subtitles]
            + [(Role.BYLINE, t) for t in self.bylines]
            + self.body
        )


def _para_role(el: etree._Element) -> Role:
    """A ``p``'s role from its class (the writer writes a non-body role's name there)."""
    for cls in (el.get("class") or "").split():
        if cls in _TEXT_ROLES:
            return _TEXT_ROLES[cls]
    return Role.BODY


# ------------------------------------------------------------------------------------------ bodies


def _read_nitf(nitf: etree._Element, story: _Story) -> None:
    body = _child(nitf, "body")
    head = _child(body, "body.head")
    hedline = _child(head, "hedline")
    story.headlines = [t for t in (_text(h) for h in _children(hedline, "hl1")) if t]
    story.subheadlines = [t for t in (_text(h) for h in _children(hedline, "hl2")) if t]
    story.bylines = [t for t in (_text(b) for b in _children(head, "byline")) if t]
    for content in _children(body, "body.content"):
        _nitf_content(content, story.body)


def _nitf_content(el: etree._Element, out: list[tuple[Role, str]]) -> None:
    for child in el:
        name = local_name(child)
        if name == "p":
            out.append((_para_role(child), _text(child)))
        elif name in ("hl1", "hl2"):
            out.append((Role.INTERTITLE, _text(child)))
        elif name in ("block", "bq", "fn", "note", "nitf-col", "nitf-colgroup"):
            _nitf_content(child, out)
        # media, tables, lists and the rest carry no paragraphs of the writer's


def _read_xhtml(html: etree._Element, story: _Story) -> None:
    body = _child(html, "body")
    if body is not None:
        _xhtml_content(body, story)


def _xhtml_content(el: etree._Element, story: _Story) -> None:
    for child in el:
        name = local_name(child)
        text = _text(child) if name in ("h1", "h2", "h3", "h4", "h5", "h6", "p") else ""
        if name == "h1":
            if story.body:  # a later h1 is a heading inside the text
                story.body.append((Role.INTERTITLE, text))
            else:
                story.headlines.append(text)
        elif name == "h2" and not story.body:
            story.subheadlines.append(text)
        elif name in ("h2", "h3", "h4", "h5", "h6"):
            story.body.append((Role.INTERTITLE, text))
        elif name == "p":
            classes = (child.get("class") or "").split()
            if "dateline" in classes:
                continue  # copied from the first body paragraph, which keeps it
            if "byline" in classes and not story.body:
                story.bylines.append(text)
            else:
                story.body.append((_para_role(child), text))
        elif name in ("div", "section", "article", "main", "header", "blockquote"):
            _xhtml_content(child, story)


def _read_item(item: etree._Element) -> _Story:
    story = _Story()
    meta = _child(item, "contentMeta")
    language = _child(meta, "language")
    story.language = (
        (language.get("tag") if language is not None else None)
        or item.get("{http://www.w3.org/XML/1998/namespace}lang")
        or "und"
    )
    for inline in (x for cs in _children(item, "contentSet") for x in _children(cs, "inlineXML")):
        root = next((c for c in inline if isinstance(c.tag, str)), None)
        if root is not None and local_name(root) == "nitf":
            _read_nitf(root, story)
            break
        if root is not None and local_name(root) == "html":
            _read_xhtml(root, story)
            break
    # what the body does not say, the item's metadata may
    heads = [(h.get("role") or "", _text(h)) for h in _children(meta, "headline")]
    if not story.headlines:
        main = [t for role, t in heads if t and not role.endswith(":subheadline")]
        story.headlines = main[:1]
    if not story.subheadlines:
        story.subheadlines = [t for role, t in heads if t and role.endswith(":subheadline")]
    if not story.bylines:
        story.bylines = [t for t in (_text(b) for b in _children(meta, "by")) if t]
    story.body = [(role, t) for role, t in story.body if t]
    return story


# ------------------------------------------------------------------------------------------ package


def _page_groups(package: etree._Element | None) -> list[tuple[int | None, str, list[str]]]:
    """``(number, label, item GUIDs)`` of each group holding item references, in the order the root group
    reaches them (depth first; a group reached twice, or a cycle, counts once)."""
    group_set = _child(package, "groupSet")
    if group_set is None:
        return []
    groups = {g.get("id"): g for g in _children(group_set, "group") if g.get("id")}
    root_id = group_set.get("root")
    start = [groups[root_id]] if root_id in groups else _children(group_set, "group")
    found: list[tuple[int | None, str, list[str]]] = []
    seen: set[int] = set()

    def visit(group: etree._Element) -> None:
        if id(group) in seen:
            return
        seen.add(id(group))
        refs = [r.get("residref") for r in _children(group, "itemRef") if r.get("residref")]
        if refs:
            m = _PAGE_GROUP_ID.match(group.get("id") or "")
            title = _PAGE_TITLE.match(_text(_child(group, "title")))
            found.append((int(m.group(1)) if m else None, title.group(1) if title else "", refs))
        for child in group:
            if local_name(child) == "groupRef" and child.get("idref") in groups:
                visit(groups[child.get("idref")])

    for group in start:
        visit(group)
    return found


# ------------------------------------------------------------------------------------------ reader


def _article(page: Page, story: _Story, y: int) -> int:
    """Append the story to ``page`` as an article of one-line blocks set as a galley from ``y``; returns the
    next free ``y``."""
    article = Article(f"A{len(page.articles) + 1}")
    for role, text in story.blocks():
        language = story.language if story.language not in ("", "und") else guess_language(text)
        line = Line(text, (MARGIN, y, MARGIN + EM * len(text), y + EM), 1.0)  # join None: the paragraph ends
        y += EM * 3 // 2 + EM
        block = Block(f"TB{len(page.blocks) + 1:04d}", role, line.box, [line], article_id=article.id, language=language)
        article.blocks.append(block)
        page.blocks.append(block)
    if article.blocks:
        page.articles.append(article)
    return y


def read_newsml(root: etree._Element, path: str | os.PathLike = "<newsml>", data: bytes = b"") -> Document:
    """The Document of a NewsML-G2 ``newsMessage`` or ``newsItem`` (parsed safely by the caller)."""
    name = local_name(root)
    if not (namespace(root) or "").startswith(NAR_NAMESPACE_PREFIX):
        raise ReadError(path, f"unknown NewsML-G2 namespace {namespace(root)!r}")
    if name == "newsMessage":
        items = [c for s in _children(root, "itemSet") for c in s]
    elif name in ("newsItem", "packageItem"):
        items = [root]
    else:
        raise ReadError(path, f"unknown NewsML-G2 document <{name}>: expected newsMessage or newsItem")
    news = [i for i in items if local_name(i) == "newsItem"]
    if not news:
        raise ReadError(path, f"NewsML-G2 <{name}> holds no newsItem: no text to read")
    package = next((i for i in items if local_name(i) == "packageItem"), None)
    by_guid: dict[str, int] = {}
    for k, item in enumerate(news):
        by_guid.setdefault(item.get("guid") or f"#{k}", k)

    # pages: each group's items that are not on an earlier page; unlisted items end the last page
    groups = _page_groups(package)
    placed: set[int] = set()
    layout: list[tuple[int | None, str, list[int]]] = []
    for number, label, refs in groups:
        mine = []
        for ref in refs:
            found = by_guid.get(ref)
            if found is not None and found not in placed:
                placed.add(found)
                mine.append(found)
        layout.append((number, label, mine))
    rest = [k for k in range(len(news)) if k not in placed]
    if not layout:
        layout = [(None, "", [])]
    layout[-1][2].extend(rest)
    given = [n for n, _, _ in layout]
    numbers = [n for n in given if n is not None]
    if len(numbers) != len(given) or len(set(numbers)) != len(numbers) or min(numbers) < 1:
        numbers = list(range(1, len(layout) + 1))

    sha = hashlib.sha256(data).hexdigest() if data else ""
    meta = _child(package, "itemMeta")
    title = _text(_child(meta, "title"))
    created = _text(_child(meta if meta is not None else _child(news[0], "itemMeta"), "versionCreated"))
    pages = []
    for index, ((_, label, members), number) in enumerate(zip(layout, numbers)):
        source = PageSource(path=str(path), index=index, kind="newsml", sha256=sha, mime=MIME)
        page = Page(number=number, width=0, height=0, source=source, engine="NewsML-G2", label=label)
        if index == 0:
            if title:
                page.metadata["title"] = title
            if re.match(r"\d{4}-\d{2}-\d{2}T", created) and not created.startswith("1970-01-01"):
                page.metadata["date"] = created[:10]
        y = MARGIN
        for k in members:
            y = _article(page, _read_item(news[k]), y)
        page.width = max((b.box[2] for b in page.blocks), default=0) + MARGIN
        page.height = y
        pages.append(finish_page(page, file_has_articles=True, file_has_joins=True))
    return Document(str(path), pages)
