"""Corpus-format text into the page model.

Paragraphs are blank-line separated (`text.corpus` parses them and reads each one's role: ``## `` headline,
``### `` kicker or intertitle, ``——`` subtitle, byline, caption, body). Each paragraph is one block, each of its
physical lines one line; lines of a paragraph join by their text, paragraphs end with a kept break, and an
article's last line has no join. A new article starts at a kicker or headline once the current one has
more than kickers in it.

Text has no geometry, so the reader sets it as a galley: every character one em (40 px) square, one line per
physical line, 1.5 em line pitch, a blank em between paragraphs. The boxes only make the page drawable and its
ALTO valid; they say nothing about a printed layout.
"""

from __future__ import annotations

import hashlib
import os

from ..model import Article, Block, Document, Join, JoinKind, Line, Page, PageSource, Role, box_union
from ..text.corpus import MODEL_ROLE, classify, normalize_input, parse_paragraphs, strip_mark
from ..text.joins import text_join, written_words
from ..text.language import guess_language, wordfreq_lang
from .common import finish_page

EM = 40  # pixels per character and per line of the galley
MARGIN = EM


def read_text(text: str, path: str | os.PathLike = "<text>") -> Document:
    """The Document of a corpus-format text: one page of articles, blocks and lines with joins."""
    paras = parse_paragraphs(normalize_input(text))
    source = PageSource(
        path=str(path), index=0, kind="text", sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), mime="text/plain"
    )
    page = Page(number=1, width=0, height=0, source=source, engine="corpus text")
    seen = written_words(line for para in paras for line in para.text.split("\n"))
    articles: list[Article] = []
    y = MARGIN
    for k, para in enumerate(paras):
        role = MODEL_ROLE[classify(para.text, paras[k + 1].text if k + 1 < len(paras) else None)]
        only_kickers = bool(articles) and all(b.role is Role.KICKER for b in articles[-1].blocks)
        if not articles or (role in (Role.KICKER, Role.HEADLINE) and not only_kickers):
            articles.append(Article(f"A{len(articles) + 1}"))
        article = articles[-1]
        lines = []
        for raw in para.text.split("\n"):
            line_text = strip_mark(raw.strip()).strip()
            lines.append(Line(line_text, (MARGIN, y, MARGIN + EM * len(line_text), y + EM), 1.0))
            y += EM * 3 // 2
        y += EM
        for prev, nxt in zip(lines, lines[1:]):
            prev.join = text_join(prev.text, nxt.text, wordfreq_lang(guess_language(para.text)), seen)
        lines[-1].join = Join(JoinKind.BREAK, "paragraph ends (blank line)")
        block = Block(
            f"TB{len(page.blocks) + 1:04d}",
            role,
            box_union([ln.box for ln in lines]),
            lines,
            article_id=article.id,
            language=guess_language(para.text),
        )
        article.blocks.append(block)
        page.blocks.append(block)
    for article in articles:
        article.blocks[-1].lines[-1].join = None  # the article's text ends here
    page.articles = articles
    page.width = max((b.box[2] for b in page.blocks), default=0) + MARGIN
    page.height = y
    return Document(str(path), [finish_page(page, file_has_articles=True, file_has_joins=True)])
