"""The quality-checking diff (digitize/diff.py): metrics, confusions, reference repair, ALTO input, reports."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from digitize.diff import DiffInputError, Options, alto_text, compare, diff_command, graphemes, read_input, words
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
    res = CliRunner().invoke(diff_command, [str(ref), str(hyp), "--json", str(j), "--html", str(h),
                                            "--punctuation", "corpus", "--fold-width"])
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
    assert page.count('<tr class="ok">') == 1 and page.count('<tr class="err">') == 2


def test_html_wraps_only_edits_on_long_text(tmp_path):
    ref = "\n\n".join(BASE * 10 for _ in range(6))  # 6,000 characters
    r = compare(ref, ref.replace(BASE[5], "届", 1), Options())
    from digitize.diff import render_html
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
EXPECTED = "本报记者 雷昊\n\na well- hyphenated\nword\n共同富裕。\n"


@pytest.mark.parametrize("ns", ["http://www.loc.gov/standards/alto/ns-v4#", "http://www.loc.gov/standards/alto/ns-v2#",
                                None])
def test_alto_input_text(tmp_path, ns):
    doc = ALTO.format(ns=ns) if ns else ALTO.replace(' xmlns="{ns}"', "")
    assert alto_text(doc.encode("utf-8")) == EXPECTED
    path = tmp_path / "page.alto.xml"
    path.write_text(doc, encoding="utf-8")
    text, fmt = read_input(path)
    assert fmt == "alto" and text == EXPECTED
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
    with pytest.raises(DiffInputError, match="DOCTYPE declares entities"):
        alto_text(XXE.encode())
    bad = tmp_path / "xxe.xml"
    bad.write_text(XXE, encoding="utf-8")
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
    for path, reason in [(tmp_path / "missing.txt", "No such file"), (binary, "not UTF-8"),
                         (broken, "not well-formed"), (other, "not an ALTO document")]:
        res = CliRunner().invoke(diff_command, [str(good), str(path)])
        assert res.exit_code == 2, res.output
        assert res.output.strip().startswith(f"error: {path}: ") and reason in res.output
        assert len(res.output.strip().splitlines()) == 1
