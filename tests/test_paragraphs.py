"""`article_paragraphs`: each line is glued to the paragraph by the join recorded on the line before it (the
`pending` join across lines and blocks; an early version read it before it was ever assigned)."""

from __future__ import annotations

from digitize.model import Article, Block, Join, JoinKind, Line, Role


def _line(text: str, kind: JoinKind | None) -> Line:
    return Line(text, (0, 0, 10, 10), 1.0, join=Join(kind, "test") if kind else None)


def test_each_line_glued_by_the_join_of_the_line_before_across_blocks():
    first = Block(
        "b1", Role.BODY, (0, 0, 100, 30), [_line("The stu-", JoinKind.HYPHEN), _line("dents met", JoinKind.SPACE)]
    )
    second = Block(
        "b2",
        Role.BODY,
        (0, 40, 100, 70),
        [
            _line("well-", JoinKind.HYPHEN_KEPT),
            _line("known", JoinKind.BREAK),
            _line("全面", JoinKind.CJK),
            _line("学习", None),
        ],
    )
    paragraphs = Article("a1", [first, second]).paragraphs()
    assert [(p.text, p.block_ids) for p in paragraphs] == [
        ("The students met well-known", ["b1", "b2"]),
        ("全面学习", ["b2"]),
    ]
