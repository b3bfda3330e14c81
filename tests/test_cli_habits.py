"""CLI habits (issue 17): -q/-v and --log-json on every command, NO_COLOR and no colour without a terminal,
``-o -``, and the index page of ``diff --batch``."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import hostile_inputs as H
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from digitize.cli import main
from digitize.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("run", "batch", "status", "diff", "diff-batch", "repair", "validate", "convert", "settings",
            "fetch-schemas", "layout-eval")  # fmt: skip


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def cheap_call(command: str, tmp: Path) -> tuple[list, int]:
    """Arguments that make ``command`` do something quick (mostly: refuse a bad input), and the exit code."""
    (tmp / "empty").mkdir(exist_ok=True)
    notes = tmp / "notes.png"
    notes.write_text("not an image\n", encoding="utf-8")
    if command == "run":
        return ["run", notes, "-o", tmp / "out"], ExitCode.FAILURES
    if command == "batch":
        H.multi_page_tiff(tmp / "scan.tif", 2)
        H.page_image(tmp / "scan-p0001.png", (200, 150))
        return ["batch", tmp / "scan.tif", tmp / "scan-p0001.png", "-o", tmp / "bout"], ExitCode.USAGE
    if command == "status":
        return ["status", tmp / "empty"], ExitCode.USAGE
    if command == "diff":
        return ["diff", tmp / "missing.txt", notes], ExitCode.USAGE
    if command == "diff-batch":
        return ["diff", "--batch", tmp / "empty", tmp / "empty", "-o", tmp / "dout"], ExitCode.OK
    if command == "repair":
        return ["repair", tmp / "missing.txt", "-o", tmp / "r.txt"], ExitCode.USAGE
    if command == "validate":
        return ["validate", tmp / "missing.xml"], ExitCode.INVALID
    if command == "convert":
        return ["convert", tmp / "missing.xml", "--to", "txt"], ExitCode.FAILURES
    if command == "settings":
        return ["settings", "--digest"], ExitCode.OK
    if command == "fetch-schemas":
        return ["fetch-schemas", "--from", tmp / "empty", "--dest", tmp / "schemas"], None  # 0 or 3: where XSDs are
    return ["layout-eval", tmp / "empty", tmp / "empty"], ExitCode.USAGE


@pytest.mark.parametrize("command", COMMANDS)
def test_log_json_on_every_command_is_one_object_per_event(command, tmp_path):
    args, code = cheap_call(command, tmp_path)
    result = invoke(*args[:1], "--log-json", *args[1:])
    assert code is None or result.exit_code == code, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]  # every line one JSON object
    assert events and all(isinstance(e, dict) and "event" in e and "level" in e for e in events)
    assert events[-1]["event"] == "exit" and events[-1]["code"] == result.exit_code
    if result.exit_code not in (0, None) and command not in ("fetch-schemas", "diff-batch"):
        assert any(e["level"] == "error" for e in events), events


@pytest.mark.parametrize("command", COMMANDS)
def test_quiet_and_verbose_on_every_command(command, tmp_path):
    args, code = cheap_call(command, tmp_path)
    quiet = invoke(*args[:1], "-q", *args[1:])
    verbose = invoke(*args[:1], "-v", *args[1:])
    assert quiet.exit_code == verbose.exit_code and (code is None or quiet.exit_code == code)
    # -q: errors and warnings (and usage messages) only; validate's errors are FILE:LINE: error: ...
    allowed = re.compile(r"^(error:|warning:|review:|Usage:|Try |Error:|.*: error\b)")
    noise = [ln for ln in quiet.stderr.splitlines() if ln and not allowed.match(ln)]
    assert noise == [], quiet.stderr
    assert "Traceback" not in quiet.output + verbose.output


def test_the_group_takes_the_log_options_too(tmp_path):
    result = invoke("--log-json", "validate", tmp_path / "missing.xml")
    assert [json.loads(line)["event"] for line in result.stderr.splitlines()] == ["invalid", "summary", "exit"]


def test_an_unknown_option_with_log_json_is_one_json_object():
    result = invoke("diff", "--log-json", "--bogus", "a", "b")
    assert result.exit_code == ExitCode.USAGE
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert [e["event"] for e in events] == ["usage", "exit"] and "--bogus" in events[0]["message"]


@pytest.mark.slow
def test_quiet_and_verbose_on_a_real_run(born_digital_pdf, tmp_path):
    normal = invoke("run", born_digital_pdf, "-o", tmp_path / "n", "--format", "txt")
    quiet = invoke("run", born_digital_pdf, "-o", tmp_path / "q", "--format", "txt", "-q")
    verbose = invoke("run", born_digital_pdf, "-o", tmp_path / "v", "--format", "txt", "-v")
    assert normal.exit_code == quiet.exit_code == verbose.exit_code == 0
    assert "born_digital.pdf p1:" in normal.stderr and quiet.stderr == ""
    assert re.search(r"born_digital\.pdf p1: .*layout [0-9.]+ s", verbose.stderr), verbose.stderr
    assert (tmp_path / "q" / "born_digital.txt").read_bytes() == (tmp_path / "n" / "born_digital.txt").read_bytes()
    logged = invoke("run", born_digital_pdf, "-o", tmp_path / "j", "--format", "txt", "--log-json")
    page = next(e for e in map(json.loads, logged.stderr.splitlines()) if e["event"] == "page")
    assert page["page"] == 1 and page["outputs"] == [str(tmp_path / "j" / "born_digital.txt")]


# --------------------------------------------------------------------------------------------- colour

SGR_COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|9[0-7]|38;[25];)[0-9;]*m")


def _stderr_on_a_terminal(env: dict, tmp_path: Path) -> str:
    """`digitize validate MISSING` (an error line, in red by default) with stderr on a pseudo-terminal."""
    leader, follower = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "digitize.cli", "validate", str(tmp_path / "missing.xml")],
        stderr=follower,
        stdout=subprocess.DEVNULL,
        env=env,
        timeout=60,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.returncode == ExitCode.INVALID
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_no_color_is_honoured_and_no_escape_codes_without_a_terminal(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")} | {
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
    }
    coloured = _stderr_on_a_terminal(env, tmp_path)
    assert SGR_COLOUR.search(coloured), repr(coloured)  # the check can fail: a terminal gets colour
    plain = _stderr_on_a_terminal(env | {"NO_COLOR": "1"}, tmp_path)
    assert "error" in plain and not SGR_COLOUR.search(plain), repr(plain)
    piped = subprocess.run(
        [sys.executable, "-m", "digitize.cli", "validate", str(tmp_path / "missing.xml")],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert b"error" in piped.stderr and b"\x1b" not in piped.stderr + piped.stdout


# ---------------------------------------------------------------------------------------------- -o -


def test_dash_output_is_refused_unless_streaming_text(born_digital_pdf, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused = invoke("run", born_digital_pdf, "-o", "-")  # default formats: txt,alto
    assert refused.exit_code == ExitCode.USAGE and "-o - streams the text to stdout" in refused.stderr
    assert invoke("batch", born_digital_pdf, "-o", "-").exit_code == ExitCode.USAGE
    assert invoke("diff", "--batch", tmp_path, tmp_path, "-o", "-").exit_code == ExitCode.USAGE
    streamed = invoke("run", born_digital_pdf, "-o", "-", "--format", "txt")
    assert streamed.exit_code == 0, streamed.stderr
    assert streamed.stdout.startswith("## City Council Approves New Budget\n")
    assert not Path("-").exists() and sorted(os.listdir(tmp_path)) == []  # nothing written, no folder named -


# ------------------------------------------------------------------------------------- diff --batch index


def test_diff_batch_writes_an_escaped_index_page(tmp_path):
    refs, hyps, out = tmp_path / "ref", tmp_path / "hyp", tmp_path / "out"
    refs.mkdir(), hyps.mkdir()
    stems = ['<img src=x onerror="alert(1)">', "javascript:alert(1)", "index", "summary", "报" * 83, "p&amp;1"]
    for k, stem in enumerate(stems):
        (refs / f"{stem}.txt").write_text("甲乙丙丁戊己庚辛\n", encoding="utf-8")
        (hyps / f"{stem}.txt").write_text("甲乙丙丁戊己庚辛"[: 8 - k] + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "--batch", str(refs), str(hyps), "-o", str(out)])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(index)
    assert not list(tree.iter("script", "img", "iframe", "object"))
    assert not [name for el in tree.iter() for name in el.attrib if name.lower().startswith("on")]
    links = [a.get("href") for a in tree.iter("a")]
    assert len(links) == len(stems)
    for href in links:
        assert href.startswith("./") and ":" not in href  # relative, percent-encoded: no scheme
        from urllib.parse import unquote

        assert (out / unquote(href[2:])).is_file()
    texts = [a.text_content() for a in tree.iter("a")]
    assert sorted(texts) == sorted(stems) and texts[0] == "p&amp;1"  # worst (highest CER) first, text shown as is
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))  # not overwritten by page "summary"
    assert len(summary["pages"]) == len(stems)
    assert all(len(name.encode()) <= 255 for name in os.listdir(out))
