"""Text-only repair of corpus-format files (digitize/repair_text.py): the seven artefacts of the reference
corpus, the command line, and properties over texts cut from the corpus's own paragraphs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digitize.cli.repair import repair_command
from digitize.model import JoinKind
from digitize.repair_text import repair_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS_NAME = "000_4ecdb1c1648377d6.txt"
GROUND_TRUTH = ROOT / "samples" / "jinzhong-front.gt.txt"  # the corpus with its seven artefacts joined

# The README's "Known artefacts": the seven splits, in the order of the text.
ARTEFACTS = [
    ("将全", "面学习"),
    ("一期投产、", "二期项目"),
    ("稳健发", "展"),
    ("乡村全", "面振兴"),
    ("游", "客"),
    ("晋中一院", "高度重视"),
    ("颌面修", "复重建"),
]
MID_SENTENCE_ENDINGS = ["为人社部门指明了实践路", "切身利益和健康"]


def _shared_dir() -> Path:
    env = os.environ.get("DIGITIZE_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


CORPUS = _shared_dir() / "corpus" / CORPUS_NAME


@pytest.fixture(scope="module")
def corpus_text() -> str:
    if not CORPUS.exists():
        pytest.skip(f"reference corpus not found at {CORPUS} (set DIGITIZE_SHARED_DIR to the shared folder)")
    return CORPUS.read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs (a line of spaces is blank too), stripped."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def non_space(text: str) -> str:
    return "".join(text.split())


def is_heading(p: str) -> bool:
    return p.startswith("## ") or p.startswith("### ")


# --- the reference corpus ------------------------------------------------------------------------------


def test_corpus_has_exactly_the_seven_known_joins(corpus_text):
    _, joins = repair_text(corpus_text)
    assert len(joins) == 7, [(j.left, j.right) for j in joins]
    for join, (left, right) in zip(joins, ARTEFACTS):
        assert join.left.endswith(left) and join.right.startswith(right), (join, left, right)
        assert join.kind == JoinKind.CJK.value
        assert join.evidence
    lines = corpus_text.split("\n")
    for join in joins:  # line numbers point at the two paragraphs of the input
        assert lines[join.left_line - 1].strip().endswith(join.left)
        assert lines[join.right_line - 1].strip().startswith(join.right)
        assert join.left_line < join.right_line


def test_corpus_output_equals_the_ground_truth(corpus_text):
    out, _ = repair_text(corpus_text)
    assert out == GROUND_TRUTH.read_text(encoding="utf-8")
    assert non_space(out) == non_space(corpus_text)
    assert not out.startswith("\n") and out.endswith("\n") and not out.endswith("\n\n")


def test_corpus_mid_sentence_endings_are_kept(corpus_text):
    out, joins = repair_text(corpus_text)
    paras = paragraphs(out)
    for ending in MID_SENTENCE_ENDINGS:
        (i,) = [k for k, p in enumerate(paras) if p.endswith(ending)]
        assert paras[i + 1].startswith("### "), "the article ends there and the next one begins"
        assert not any(j.left.endswith(ending) for j in joins)


def test_corpus_bylines_subtitles_headings_and_caption_untouched(corpus_text):
    out, _ = repair_text(corpus_text)
    before, after = paragraphs(corpus_text), paragraphs(out)
    kept = [
        p
        for p in before
        if is_heading(p) or p.startswith("——") or p.startswith("本报记者 ") or p == "本报评论员" or p.endswith("摄")
    ]
    assert len(kept) == 18  # 12 headings, 2 subtitles, 3 bylines, 1 caption
    assert [p for p in after if p in kept] == kept
    assert len(after) == len(before) - 7


def test_corpus_is_a_fixpoint_after_repair(corpus_text):
    out, _ = repair_text(corpus_text)
    again, joins = repair_text(out)
    assert again == out and joins == []


def test_corpus_profile_keeps_the_corpus_text(corpus_text):
    out, _ = repair_text(corpus_text)
    assert repair_text(corpus_text, "corpus")[0] == out
    original, _ = repair_text(corpus_text, "original")
    assert "扎实推进共同富裕\n" in original and "，" in original and "," not in original.replace("6.25", "")


# --- small cases -----------------------------------------------------------------------------------------


def test_crlf_bom_and_leading_blank_lines():
    text = "\ufeff\r\n\r\n## 标题\r\n\r\n本报讯 (记者王文安)今天将全\r\n\r\n面学习。\r\n"
    out, joins = repair_text(text)
    assert out == "## 标题\n\n本报讯 (记者王文安)今天将全面学习。\n"
    assert [(j.left_line, j.right_line) for j in joins] == [(5, 7)]


def test_no_join_after_terminal_or_continuation_marker_or_before_non_body():
    text = "\n\n".join(
        [
            "第一段结束。",
            "第二段继续",
            "本报记者 雷昊",  # a byline after a mid-sentence ending
            "又一段提高保障水平; (下转第4版)",
            "(上接第1版)接着的文字",
            "图片说明 本报通讯员 梁生仁 摄",
            "正文没有结束",
            "本报讯 (记者王晶)新的导语。",
            "还有一句",
            "——副题",
            "末段在此中断",
            "### 下一篇的引题",
            "## 下一篇",
        ]
    )
    out, joins = repair_text(text)
    assert joins == []
    assert out == text + "\n"


def test_list_items_after_colon_are_not_joined():
    text = "会议提出三点要求:\n\n一是加强领导;\n\n二是压实责任;\n\n(三)强化督导。\n"
    assert repair_text(text) == (text, [])


def test_right_part_starting_with_closing_punctuation_is_joined():
    out, joins = repair_text("他说:“我们会做好。\n\n”随后离开了现场。\n")
    assert out == "他说:“我们会做好。”随后离开了现场。\n"
    assert "cannot open a paragraph" in joins[0].evidence


def test_joined_text_must_stay_body():
    # 记 + 者王 would read as a byline: the break is kept rather than inventing one
    out, joins = repair_text("记\n\n者王\n")
    assert joins == [] and out == "记\n\n者王\n"


def test_latin_space_and_hyphen_joins():
    text = "The council approved the bud-\n\nget for next year after a long debate about schools,\n\nroads and buses.\n"
    out, joins = repair_text(text)
    assert out == "The council approved the budget for next year after a long debate about schools, roads and buses.\n"
    assert [j.kind for j in joins] == [JoinKind.HYPHEN.value, JoinKind.SPACE.value]


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError):
        repair_text("文字\n", "fancy")


# --- command line ----------------------------------------------------------------------------------------


def test_cli_writes_text_and_joins(tmp_path, corpus_text):
    src = tmp_path / "in.txt"
    src.write_bytes(b"\xef\xbb\xbf" + corpus_text.replace("\n", "\r\n").encode("utf-8"))
    out, joins_json = tmp_path / "out.txt", tmp_path / "joins.json"
    result = CliRunner().invoke(repair_command, [str(src), "-o", str(out), "--joins", str(joins_json)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == GROUND_TRUTH.read_text(encoding="utf-8")
    joins = json.loads(joins_json.read_text(encoding="utf-8"))
    assert len(joins) == 7
    assert set(joins[0]) == {"kind", "left_line", "right_line", "left", "right", "evidence"}
    assert [(j["left"][-len(a) :], j["right"][: len(b)]) for j, (a, b) in zip(joins, ARTEFACTS)] == ARTEFACTS
    assert result.stderr.splitlines()[0] == "7 joins"
    assert "将全" in result.stderr and result.stdout == ""


def test_cli_punctuation_profile(tmp_path):
    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("## 标题\n\n文字,继续将全\n\n面学习;完成。\n", encoding="utf-8")
    result = CliRunner().invoke(repair_command, [str(src), "-o", str(out), "--punctuation", "original"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "## 标题\n\n文字，继续将全面学习；完成。\n"
    assert result.stderr.splitlines()[0] == "1 joins"


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00bad"])
def test_cli_unreadable_input(tmp_path, content):
    src = tmp_path / "in.txt"
    if content is not None:
        src.write_bytes(content)
    result = CliRunner().invoke(repair_command, [str(src), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {src}: ")
    assert not (tmp_path / "out.txt").exists()


# --- properties ------------------------------------------------------------------------------------------


def _source_paragraphs() -> list[str]:
    source = CORPUS if CORPUS.exists() else GROUND_TRUTH  # the ground truth holds the same paragraphs
    return paragraphs(source.read_text(encoding="utf-8"))


SOURCE = _source_paragraphs()


@st.composite
def corpus_texts(draw) -> str:
    """Paragraphs of the corpus in random order, some cut at random places, with random blank lines."""
    pieces: list[str] = []
    for para in draw(st.lists(st.sampled_from(SOURCE), min_size=1, max_size=8)):
        cuts = sorted(draw(st.lists(st.integers(1, max(1, len(para) - 1)), max_size=2, unique=True)))
        bounds = [0, *cuts, len(para)]
        pieces += [para[a:b] for a, b in zip(bounds, bounds[1:]) if para[a:b].strip()]
    seps = draw(st.lists(st.sampled_from(["\n\n", "\n\n\n", "\n \n"]), min_size=len(pieces), max_size=len(pieces)))
    lead = draw(st.sampled_from(["", "\n", "\n\n\n\n"]))
    return lead + "".join(p + s for p, s in zip(pieces, seps))


PROPERTY = settings(
    max_examples=int(os.environ.get("REPAIR_TEXT_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(corpus_texts())
def test_repair_is_idempotent(text):
    once, _ = repair_text(text)
    twice, joins = repair_text(once)
    assert twice == once
    assert joins == []


@PROPERTY
@given(corpus_texts())
def test_repair_keeps_every_non_space_character(text):
    out, _ = repair_text(text)
    assert non_space(out) == non_space(text)
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n") and not out.startswith("\n"))


@PROPERTY
@given(corpus_texts())
def test_repair_never_joins_across_a_heading(text):
    out, joins = repair_text(text)
    assert [p for p in paragraphs(out) if is_heading(p)] == [p for p in paragraphs(text) if is_heading(p)]
    lines = text.split("\n")
    for j in joins:
        between = lines[j.left_line - 1 : j.right_line - 1]
        assert not any(is_heading(line.strip()) for line in between), j


def test_repair_output_that_cannot_be_written_is_one_line_and_leaves_nothing(tmp_path):
    """-o under a path that is a file: one `error:` line, exit 2, no partial or temp file anywhere."""
    source = tmp_path / "in.txt"
    source.write_text("## 标题\n\n正文第一段。\n", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    result = CliRunner().invoke(repair_command, [str(source), "-o", str(blocker / "out.txt")])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {blocker}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "in.txt"]
