"""The quality-checking diff (digitize/diff.py): metrics, confusions, reference repair, ALTO input, reports."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from digitize.cli.diff import diff_command
from digitize.diff import DiffInputError, Options, compare, graphemes, read_input, words
from digitize.evaluate import cer as evaluate_cer

ROOT = Path(__file__).resolve().parents[1]
GROUND_TRUTH = ROOT / "samples" / "jinzhong-front.gt.txt"


def _shared_dir() -> Path:
    env = os.environ.get("DIGITIZE_SHARED_DIR")
    return Path(env) if env else ROOT.parent / "shared"


CORPUS = _shared_dir() / "corpus" / "000_4ecdb1c1648377d6.txt"

# 100 distinct-enough CJK characters (no repeats near the edits, so the optimal alignment is unambiguous)
BASE = "".join(chr(0x4E00 + 37 * k) for k in range(100))


def _edited() -> str:
    s = list(BASE)
    s[10] = "届"  # substitution
    del s[50]  # deletion
    s.insert(80, "屆")  # insertion
    return "".join(s)


def test_identical_texts_score_zero():
    r = compare(BASE, BASE, Options())
    assert r.metrics["cer"] == 0.0 and r.metrics["wer"] == 0.0
    assert r.metrics["distance"] == 0 and r.confusions == []
    assert r.paragraph_structure_equal


def test_known_edits_exact_counts():
    hyp = _edited()
    r = compare(BASE, hyp, Options())
    m = r.metrics
    assert (m["substitutions"], m["insertions"], m["deletions"]) == (1, 1, 1)
    assert m["distance"] == 3 and m["cer"] == pytest.approx(0.03)
    assert m["cer"] == pytest.approx(evaluate_cer(BASE, hyp))
    # each CJK character is a word
    assert r.reference["words"] == 100 and m["wer"] == pytest.approx(0.03)
    labels = {c["label"] for c in r.confusions}
    assert {f"{BASE[10]}→届", f"{BASE[50]}→∅", "∅→屆"} <= labels


def test_confusion_in_top_confusions():
    ref = "第二十届全会。本届会议,届时举行。" * 3
    hyp = ref.replace("届", "屆")
    r = compare(ref, hyp, Options())
    top = r.confusions[0]
    assert (top["reference"], top["hypothesis"], top["label"]) == ("届", "屆", "届→屆")
    assert top["count"] == 9 and r.metrics["substitutions"] == 9


def test_whitespace_ignored_by_default_and_kept_on_request():
    r = compare("本报记者 雷昊", "本报记者雷昊", Options())
    assert r.metrics["cer"] == 0.0
    k = compare("本报记者 雷昊", "本报记者雷昊", Options(ignore_whitespace=False))
    assert k.metrics["deletions"] == 1 and k.confusions[0]["label"] == " →∅"
    assert "whitespace runs compared as one space, paragraph breaks as one newline" in k.options.applied()


def test_normalisation_options():
    # width folding: full-width Latin/digits equal their ASCII forms
    assert compare("ABC 123", "ＡＢＣ １２３", Options(fold_width=True)).metrics["cer"] == 0.0
    assert compare("ABC 123", "ＡＢＣ １２３", Options()).metrics["cer"] == 1.0
    # punctuation profile: the print's full-width comma equals the corpus's ASCII comma
    assert compare("甲,乙。", "甲，乙。", Options(punctuation="corpus")).metrics["cer"] == 0.0
    assert compare("甲,乙。", "甲，乙。", Options()).metrics["substitutions"] == 1


def test_grapheme_units_and_words():
    assert graphemes("e\u0301a") == ["e\u0301", "a"]
    assert compare("cafe\u0301", "café", Options()).metrics["cer"] == 0.0  # NFC
    assert compare("x\u0301y", "xy", Options()).metrics["distance"] == 1  # one unit, not two characters
    assert words("本报记者 雷昊") == ["本", "报", "记", "者", "雷", "昊"]
    assert words("Don't re-use 3.14, ok?") == ["Don't", "re", "use", "3.14", "ok"]
    assert words("2025年12月") == ["2025", "年", "12", "月"]


@pytest.mark.skipif(not CORPUS.exists(), reason="shared reference corpus not found (set DIGITIZE_SHARED_DIR)")
def test_repair_reference_on_corpus():
    ref, gt = CORPUS.read_text(encoding="utf-8"), GROUND_TRUTH.read_text(encoding="utf-8")
    plain = compare(ref, gt, Options())
    assert plain.metrics["cer"] == 0.0 and not plain.paragraph_structure_equal
    assert len(plain.paragraph_breaks["missing"]) == 7  # the seven artefacts show up as break differences only
    r = compare(ref, gt, Options(repair_reference=True))
    assert r.repair["artefacts_repaired"] == 7
    assert r.metrics["cer"] == 0.0 and r.paragraph_structure_equal
    assert r.reference["paragraphs"] == r.hypothesis["paragraphs"]
    assert r.headings["matching"] == r.headings["reference"] == 12


@pytest.mark.skipif(not CORPUS.exists(), reason="shared reference corpus not found (set DIGITIZE_SHARED_DIR)")
def test_cli_repair_reference_json(tmp_path):
    out = tmp_path / "d.json"
    res = CliRunner().invoke(diff_command, [str(CORPUS), str(GROUND_TRUTH), "--repair-reference", "--json", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["repair"]["artefacts_repaired"] == 7 and data["metrics"]["cer"] == 0.0
    assert data["paragraph_structure_equal"] is True
    assert data["options"]["repair_reference"] is True
    assert "artefacts repaired" in res.output


def test_cli_writes_json_and_html(tmp_path):
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    paras = [BASE[:40], BASE[40:] + "<b>&"]
    ref.write_text("## 标题\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    hyp.write_text("## 标题\n\n" + "\n\n".join([_edited()[:40], _edited()[40:] + "<b>&"]) + "\n", encoding="utf-8")
    j, h = tmp_path / "out.json", tmp_path / "out.html"
    res = CliRunner().invoke(
        diff_command,
        [str(ref), str(hyp), "--json", str(j), "--html", str(h), "--punctuation", "corpus", "--fold-width"],
    )
    assert res.exit_code == 0, res.output
    assert "CER" in res.output and "届" in res.output
    data = json.loads(j.read_text(encoding="utf-8"))
    m = data["metrics"]
    assert (m["substitutions"], m["insertions"], m["deletions"]) == (1, 1, 1)
    assert data["options"]["punctuation"] == "corpus" and data["options"]["fold_width"] is True
    assert any("punctuation profile 'corpus'" in s for s in data["normalisations_applied"])
    assert data["confusions"] and {"reference", "hypothesis", "label", "count"} <= set(data["confusions"][0])
    page = h.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(link|script|img|iframe)\b", page) and "url(" not in page
    assert 'type="checkbox"' in page and "only lines with errors" in page
    assert "<del>" in page and "<ins>" in page and 'class="s"' in page
    assert "&lt;b&gt;&amp;" in page  # text is escaped
    assert page.count('<tr class="ok"') == 1 and page.count('<tr class="err"') == 2


def test_html_wraps_only_edits_on_long_text(tmp_path):
    ref = "\n\n".join(BASE * 10 for _ in range(6))  # 6,000 characters
    r = compare(ref, ref.replace(BASE[5], "届", 1), Options())
    from digitize.report import render_html

    page = render_html(r)
    assert page.count('class="s"') == 2 and "<del>" not in page and "<ins>" not in page
    assert len(page) < 2 * len(ref.encode("utf-8")) + 10_000


ALTO = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="{ns}">
  <Layout><Page ID="P1" WIDTH="100" HEIGHT="100" PHYSICAL_IMG_NR="1"><PrintSpace>
    <TextBlock ID="B1">
      <TextLine ID="L1"><String CONTENT="本报记者"/><SP/><String CONTENT="雷昊"/></TextLine>
    </TextBlock>
    <ComposedBlock ID="C1"><TextBlock ID="B2">
      <TextLine ID="L2"><String CONTENT="a"/><SP/><String CONTENT="well-"/><SP/>
        <String CONTENT="hyphen" SUBS_TYPE="HypPart1" SUBS_CONTENT="hyphenated"/><HYP CONTENT="-"/></TextLine>
      <TextLine ID="L3"><String CONTENT="ated" SUBS_TYPE="HypPart2" SUBS_CONTENT="hyphenated"/><SP/><String CONTENT="word"/></TextLine>
      <TextLine ID="L4"><String CONTENT="共同富裕。"/></TextLine>
    </TextBlock></ComposedBlock>
  </PrintSpace></Page></Layout>
</alto>
"""
EXPECTED = "本报记者 雷昊\n\na well- hyphen\nated word\n共同富裕。\n"  # the marked hyphen dropped


@pytest.mark.parametrize(
    "ns", ["http://www.loc.gov/standards/alto/ns-v4#", "http://www.loc.gov/standards/alto/ns-v2#", None]
)
def test_alto_input_text(tmp_path, ns):
    doc = ALTO.format(ns=ns) if ns else ALTO.replace(' xmlns="{ns}"', "")
    path = tmp_path / "page.alto.xml"
    path.write_text(doc, encoding="utf-8")
    source = read_input(path)
    assert source.format == "alto" and source.text == EXPECTED
    assert [rec.block for rec in source.lines] == ["B1", "B2", "B2", "B2"]
    txt = tmp_path / "page.txt"
    txt.write_text(EXPECTED, encoding="utf-8")
    res = CliRunner().invoke(diff_command, [str(txt), str(path), "--json", str(tmp_path / "d.json")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["metrics"]["cer"] == 0.0 and data["hypothesis"]["format"] == "alto"


XXE = """<?xml version="1.0"?>
<!DOCTYPE alto [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page><PrintSpace><TextBlock><TextLine>
<String CONTENT="&xxe;"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>
"""


def test_entity_alto_refused(tmp_path):
    bad = tmp_path / "xxe.xml"
    bad.write_text(XXE, encoding="utf-8")
    with pytest.raises(DiffInputError, match="DOCTYPE declares entities"):
        read_input(bad)
    good = tmp_path / "ref.txt"
    good.write_text("root\n", encoding="utf-8")
    res = CliRunner().invoke(diff_command, [str(good), str(bad)])
    assert res.exit_code == 2
    lines = [l for l in res.output.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: refused") and "root:" not in res.output


def test_bad_inputs_exit_2(tmp_path):
    good = tmp_path / "ref.txt"
    good.write_text("甲乙\n", encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    broken = tmp_path / "broken.xml"
    broken.write_text("<alto><TextBlock>", encoding="utf-8")
    other = tmp_path / "other.xml"
    other.write_text("<html/>", encoding="utf-8")
    for path, reason in [
        (tmp_path / "missing.txt", "no such file"),
        (binary, "not UTF-8"),
        (broken, "not well-formed"),
        (other, "not"),
    ]:
        res = CliRunner().invoke(diff_command, [str(good), str(path)])
        assert res.exit_code == 2, res.output
        assert res.output.strip().startswith(f"error: {path}: ") and reason in res.output
        assert len(res.output.strip().splitlines()) == 1


def test_flexible_character_accuracy_ignores_reading_order():
    paras = [BASE[:30], BASE[30:60], BASE[60:100]]
    swapped = compare("\n\n".join(paras), "\n\n".join([paras[2], paras[0], paras[1]]), Options())
    assert swapped.metrics["cer"] > 0.3  # the order error costs CER dearly ...
    assert swapped.metrics["flexible_character_accuracy"] == 1.0  # ... and nothing in FCA
    # recognition errors count the same in both, whatever the order
    edited = ["届" + paras[0][1:], paras[1][:10] + paras[1][11:], paras[2][:5] + "屆" + paras[2][5:]]
    r = compare("\n\n".join(paras), "\n\n".join([edited[2], edited[0], edited[1]]), Options())
    assert r.metrics["fca_distance"] == 3 and r.metrics["flexible_character_accuracy"] == pytest.approx(0.97)
    # text missing from the hypothesis counts as deleted, text it adds as inserted
    missing = compare("\n\n".join(paras), paras[0] + "\n\nxyz", Options())
    assert missing.metrics["fca_distance"] == 70 + 3


def test_fold_han_with_opencc():
    ref, hyp = "第二十届会议在台湾举行", "第二十屆會議在臺灣舉行"
    assert compare(ref, hyp, Options()).metrics["distance"] == 6
    folded = compare(ref, hyp, Options(fold_han="simplified"))
    assert folded.metrics["cer"] == 0.0
    assert "Chinese folded to simplified characters (OpenCC t2s)" in folded.options.applied()
    assert compare(ref, hyp, Options(fold_han="traditional")).metrics["cer"] == 0.0


def page_json(blocks: list[tuple[str, str, list[str]]]) -> str:
    """A minimal page in our JSON: (block id, article id, line texts) in reading order, boxes stacked."""
    out, y = [], 0
    for order, (block_id, article, lines) in enumerate(blocks):
        rows = []
        for text in lines:
            rows.append({"text": text, "box": [0, y, 500, y + 30]})
            y += 40
        out.append({"id": block_id, "order": order, "article_id": article, "role": "body", "lines": rows})
    return json.dumps(
        {
            "format": "digitize-page",
            "version": "1",
            "page": {"width": 500, "height": y, "source": {"path": "p.png"}, "blocks": out},
        }
    )


def test_per_article_and_per_block_breakdown(tmp_path):
    ref, hyp = tmp_path / "ref.json", tmp_path / "hyp.json"
    ref.write_text(
        page_json([("B1", "A1", [BASE[:20], BASE[20:40]]), ("B2", "A2", [BASE[40:60]]), ("B3", "A2", [BASE[60:80]])]),
        encoding="utf-8",
    )
    hyp.write_text(
        page_json(
            [
                ("B1", "A1", [BASE[:20], BASE[20:40]]),
                ("B2", "A2", ["届" + BASE[41:60]]),
                ("B3", "A2", [BASE[60:70] + "屆屆" + BASE[72:80]]),
            ]
        ),
        encoding="utf-8",
    )
    r = compare(read_input(ref), read_input(hyp), Options())
    for side in ("reference", "hypothesis"):
        assert [(a["id"], a["units"], a["errors"]) for a in r.breakdown[side]["articles"]] == [
            ("A1", 40, 0),
            ("A2", 40, 3),
        ]
        assert {b["id"]: b["errors"] for b in r.breakdown[side]["blocks"]} == {"B1": 0, "B2": 1, "B3": 2}
    assert [(line["errors"], line["row"]) for line in r.line_errors] == [(0, 0), (0, 0), (1, 1), (2, 2)]
    res = CliRunner().invoke(diff_command, [str(ref), str(hyp)])
    assert res.exit_code == 0 and "per article (hypothesis)" in res.output and "7.50%" in res.output


def test_batch_pairs_by_stem_worst_first(tmp_path):
    refs, hyps, out = tmp_path / "ref", tmp_path / "hyp", tmp_path / "out"
    refs.mkdir()
    hyps.mkdir()
    for stem, errors in (("p1", 1), ("p2", 10), ("p3", 0)):
        (refs / f"{stem}.gt.txt").write_text(BASE, encoding="utf-8")
        (hyps / f"{stem}.txt").write_text("届" * errors + BASE[errors:], encoding="utf-8")
    (refs / "p4.gt.txt").write_text(BASE, encoding="utf-8")  # no hypothesis: listed, not compared
    res = CliRunner().invoke(diff_command, ["--batch", str(refs), str(hyps), "-o", str(out)])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [p["page"] for p in summary["pages"]] == ["p2", "p1", "p3"]
    assert [p["distance"] for p in summary["pages"]] == [10, 1, 0]
    assert summary["only_in_reference"] == ["p4"]
    assert {f.name for f in out.iterdir()} == {"summary.json", "index.html"} | {
        f"p{k}.{ext}" for k in (1, 2, 3) for ext in ("html", "json")
    }
    assert res.output.index("p2") < res.output.index("p1") < res.output.index("p3")
    assert CliRunner().invoke(diff_command, ["--batch", str(refs), str(hyps)]).exit_code == 2


SAMPLE_PAGE = ROOT / "samples" / "jinzhong-front-clean.png"


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory) -> Path:
    """Our text, ALTO and JSON of the clean sample page: the OCR runs once for the module."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("sample-ocr")
    digitize = Path(sys.executable).with_name("digitize")
    subprocess.run(
        [str(digitize), "run", str(SAMPLE_PAGE), "-o", str(out), "--format", "txt,alto,json"],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.exists(), reason="shared reference corpus not found (set DIGITIZE_SHARED_DIR)")
def test_corpus_against_our_sample_page_output(sample_output, tmp_path):
    ours = sample_output / "jinzhong-front-clean.txt"
    ref, hyp = read_input(CORPUS), read_input(ours)
    # Compared with whitespace, each of the seven artefacts (a paragraph split at a column or region
    # boundary in the corpus) is a reference newline our text does not have ...
    plain = compare(ref, hyp, Options(ignore_whitespace=False))
    artefacts = next(c["count"] for c in plain.confusions if c["label"] == "\n→∅")
    assert artefacts == 7
    # ... and with --repair-reference they count as 0 errors: only the OCR's own errors remain
    repaired = compare(ref, hyp, Options(ignore_whitespace=False, repair_reference=True))
    assert repaired.repair["artefacts_repaired"] == 7
    assert repaired.metrics["distance"] == plain.metrics["distance"] - 7
    assert not any(c["label"] == "\n→∅" for c in repaired.confusions)
    assert len(plain.paragraph_breaks["missing"]) - len(repaired.paragraph_breaks["missing"]) == 7

    html = tmp_path / "report.html"
    res = CliRunner().invoke(
        diff_command,
        [
            str(CORPUS),
            str(sample_output / "jinzhong-front-clean.alto.xml"),
            "--repair-reference",
            "--punctuation",
            "corpus",
            "--html",
            str(html),
            "--image",
            str(SAMPLE_PAGE),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "7 reference artefacts repaired" in res.output
    page = html.read_text(encoding="utf-8")
    assert "7 reference artefacts repaired" in page
    assert "data:image/jpeg;base64," in page and page.count("<rect ") > 200  # every OCR line has its box
    assert "per article (hypothesis)" in res.output
