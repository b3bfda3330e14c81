"""Hostile conditions around the commands (issue 17, the outside probe's list): Ctrl-C, long and hostile file
names, symlinked folders, a full disk, a file-size limit, a read-only folder, temp files left by a kill.
Each gives a one-line error and a documented exit code, or a clean result; nothing is lost or overwritten.

The disk cases run the command in a user and mount namespace (``unshare``) with a small tmpfs, so they need
no privileges; where ``unshare`` is not allowed they are skipped with the reason."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import hostile_inputs as H
import pytest
from click.testing import CliRunner
from conftest import render_page

from digitize.cli import main
from digitize.exit_codes import ExitCode
from digitize.export.names import MAX_STEM_BYTES, file_stem, output_collisions, planned_outputs
from digitize.paths import write_atomic

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
FORGED = "a\nerror: forged\x1b[2J\x1b]0;title\x07"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def digitize(*args, timeout: float = 120, preexec_fn=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "digitize.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
        preexec_fn=preexec_fn,
        cwd=cwd,
    )


def one_error_line(stderr: str, code: int, returncode: int) -> str:
    assert "Traceback" not in stderr, stderr
    errors = [ln for ln in stderr.splitlines() if ln.startswith("error:")]
    assert returncode == code and len(errors) == 1, (returncode, stderr)
    return errors[0]


def born_digital(path: Path) -> Path:
    """A one-page text-layer PDF (no OCR needed): the quickest page a command can really process."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(unit="mm", format=(120, 80))
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.set_xy(10, 10)
    pdf.cell(text="Council approves the budget")
    pdf.output(str(path))
    return path


# -------------------------------------------------------------------------------------------- Ctrl-C


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_in_run_exits_130_keeping_finished_pages(tmp_path, sig):
    """Before: exit 1 ("completed with failures"/"Aborted!"). Now: 130, finished pages whole, no temp file."""
    pages = [render_page(tmp_path / f"p{k}.png").path for k in range(1, 7)]
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitize.cli", "run", *map(str, pages), "-o", str(out), "--format", "txt,alto"],
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + 120
    for line in proc.stderr:  # wait for the first finished page, then interrupt the second
        seen.append(line)
        if "p1.png p1:" in line or time.monotonic() > deadline:
            break
    proc.send_signal(sig)
    rest = proc.stderr.read()
    code = proc.wait(timeout=60)
    stderr = "".join(seen) + rest
    assert code == ExitCode.INTERRUPTED, stderr
    assert "Traceback" not in stderr and "completed with failures" not in stderr
    assert [ln for ln in stderr.splitlines() if ln.startswith("error:")][-1].startswith("error: interrupted: ")
    assert (out / "p1.txt").read_text(encoding="utf-8").strip() and (out / "p1.alto.xml").stat().st_size > 0
    from lxml import etree

    etree.parse(str(out / "p1.alto.xml"))  # whole
    assert not list(out.glob(".*.part")) and not (out / "p6.txt").exists()


# ------------------------------------------------------------------------------------------ long names


def test_long_input_names_get_short_output_names_that_never_collide(tmp_path):
    a, b = "报" * 80 + ".png", "报" * 80 + "x.png"  # 244 and 245 bytes: valid names, sharing their start
    assert len(a.encode()) == 244
    stems = {file_stem(Path(a)), file_stem(Path(b))}
    assert len(stems) == 2 and all(len(s.encode()) <= MAX_STEM_BYTES for s in stems)
    inputs = [(tmp_path / a, 3), (tmp_path / b, 1)]
    names = [name for name, _, _ in planned_outputs(inputs, ("txt", "alto", "json", "newsml"), overlay=True)]
    assert all(len(n.encode()) <= 255 for n in names) and len(set(names)) == len(names)
    assert output_collisions(inputs, ("txt", "alto", "json", "newsml"), tmp_path, overlay=True) == []
    assert file_stem(Path("scan.tif")) == "scan"  # short names are left as they are
    long_output = tmp_path / ("报" * 84 + ".x")  # 254 bytes: a valid name whose temp name would not be
    write_atomic(long_output, b"whole")
    assert long_output.read_bytes() == b"whole" and os.listdir(tmp_path) == [long_output.name]


@pytest.mark.slow
def test_a_244_byte_input_name_does_not_stop_the_run(tmp_path):
    """Before: exit 4 at the first output (File name too long), the inputs after it skipped."""
    long_name = born_digital(tmp_path / ("报" * 80 + ".pdf"))
    short = born_digital(tmp_path / "short.pdf")
    result = invoke("run", long_name, short, "-o", tmp_path / "out", "--format", "txt,alto,json")
    assert result.exit_code == 0, result.stderr
    written = sorted(os.listdir(tmp_path / "out"))
    assert len(written) == 6 and "short.txt" in written
    assert all(len(n.encode()) <= 255 for n in written)
    assert any(n.startswith("报" * 20) and n.endswith(".alto.xml") for n in written)


# ------------------------------------------------------------------------------------ hostile names


def test_names_with_newline_and_escape_never_forge_terminal_lines(tmp_path):
    """Before: the name was printed raw, so a newline made a line of its own and ESC sequences reached the
    terminal. Now every command prints it escaped (a\\nerror: forged\\x1b[2J...)."""
    bad = tmp_path / (FORGED + ".png")
    bad.write_text("not an image\n", encoding="utf-8")
    xml = tmp_path / (FORGED + ".xml")
    xml.write_text("<not-closed>", encoding="utf-8")
    calls = {
        "run": (["run", bad, "-o", tmp_path / "out"], ExitCode.FAILURES),
        "validate": (["validate", xml], ExitCode.INVALID),
        "convert": (["convert", xml, "--to", "txt"], ExitCode.FAILURES),
        "diff": (["diff", xml, tmp_path / (FORGED + ".missing")], ExitCode.USAGE),
        "repair": (["repair", tmp_path / (FORGED + ".missing"), "-o", tmp_path / "r.txt"], ExitCode.USAGE),
        "status": (["status", tmp_path], ExitCode.USAGE),
    }
    (tmp_path / (FORGED + "dir")).mkdir()
    calls["status"] = (["status", tmp_path / (FORGED + "dir")], ExitCode.USAGE)
    for name, (args, code) in calls.items():
        result = invoke(*args)
        assert result.exit_code == code, (name, result.output)
        text = result.output
        assert "\x1b" not in text and "\x07" not in text, (name, text)
        assert not any(line.startswith("error: forged") for line in text.splitlines()), (name, text)
        assert "a\\nerror: forged\\x1b[2J" in text, (name, text)


def test_validate_reads_a_path_that_is_not_utf8(tmp_path):
    """Before: UnicodeEncodeError traceback (lxml cannot encode the name). Now the file is read."""
    from digitize import to_alto
    from digitize.read import read_bytes

    path = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9.alto.xml"))
    path.write_bytes(to_alto(read_bytes(H.alto(file_name=None).encode(), "page.alto.xml"), page=1))
    result = invoke("validate", path)
    assert "Traceback" not in result.output and "caf\\xe9.alto.xml" in result.output, result.output
    from digitize import schemas

    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound:
        assert result.exit_code == ExitCode.ENGINE
        return
    assert result.exit_code == 0 and ": valid (ALTO" in result.stdout


def test_validate_refuses_a_fifo_without_hanging(tmp_path):
    fifo = tmp_path / "page.alto.xml"
    os.mkfifo(fifo)
    result = invoke("validate", fifo)
    assert result.exit_code == ExitCode.INVALID and "not a regular file" in result.output


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_repair_refuses_a_fifo_or_device_without_hanging(tmp_path, kind):
    """Before: `repair` on a FIFO blocked for ever, on /dev/zero it ate memory."""
    source = tmp_path / "in.txt"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        source = Path("/dev/zero")
    started = time.monotonic()
    result = invoke("repair", source, "-o", tmp_path / "out.txt")
    assert result.exit_code == ExitCode.USAGE and time.monotonic() - started < 10
    assert result.stderr.strip() == f"error: {source}: is not a regular file (a pipe, socket or device)"
    assert not (tmp_path / "out.txt").exists()


def test_repair_drops_control_characters(tmp_path):
    """Before: NUL, VT, FF and NEL went through `repair` into its output."""
    source = tmp_path / "in.txt"
    source.write_bytes("甲乙\x00丙\x0b丁\x0c戊\u0085己\n".encode())
    result = invoke("repair", source, "-o", tmp_path / "out.txt", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "甲乙丙丁戊\n己\n"


# ---------------------------------------------------------------------------------------- temp files


def test_run_cleans_only_its_own_temp_files(tmp_path):
    """A kill between write and rename leaves ``.NAME.XXXXXXXX.digitize.part``; the next run removes those
    and nothing else (a user's ``.notes.part`` or ``.x.abcdefgh.part`` stays)."""
    out = tmp_path / "out"
    out.mkdir()
    ours = out / ".page.txt.k3j_x9q2.digitize.part"
    ours.write_text("half")
    users = [out / ".notes.part", out / ".x.abcdefgh.part", out / "keep.digitize.part"]
    for path in users:
        path.write_text("mine")
    result = invoke("run", tmp_path / "missing.png", "-o", out)
    assert result.exit_code == ExitCode.FAILURES
    assert not ours.exists() and all(p.read_text() == "mine" for p in users)


# ----------------------------------------------------------------------------------- symlinked folders


def test_batch_follows_symlinked_folders_and_reports_what_it_skips(tmp_path):
    """Before: a symlinked folder was skipped without a word. Now it is walked (outputs mirror the link's
    name); a link loop, a second link to one folder and a broken link are reported, not skipped silently."""
    from digitize.batch.runner import find_inputs

    src, elsewhere = tmp_path / "src", tmp_path / "elsewhere"
    (src / "real").mkdir(parents=True)
    elsewhere.mkdir()
    H.page_image(src / "real" / "a.png", (200, 150))
    H.page_image(elsewhere / "b.png", (200, 150))
    (src / "linked").symlink_to(elsewhere, target_is_directory=True)
    (src / "again").symlink_to(elsewhere, target_is_directory=True)  # a second way to the same folder
    (src / "real" / "loop").symlink_to(src, target_is_directory=True)  # back to the top
    (src / "gone").symlink_to(tmp_path / "nowhere")
    skipped: list[str] = []
    found = find_inputs([src], tmp_path / "out", on_skip=skipped.append)
    assert [rel for _, rel in found] == ["again/b.png", "real/a.png"] or [rel for _, rel in found] == [
        "linked/b.png",
        "real/a.png",
    ]
    assert len(skipped) == 3, skipped
    assert any("real/loop: skipped: a link to" in s for s in skipped)
    assert any("gone: skipped: a broken symbolic link" in s for s in skipped)
    # the command says it too, in one line each
    H.multi_page_tiff(src / "real" / "scan.tif", 2)
    H.page_image(src / "real" / "scan-p0001.png", (200, 150))  # a collision: the batch stops after planning
    result = invoke("batch", src, "-o", tmp_path / "out")
    assert result.exit_code == ExitCode.USAGE
    assert sum(line.startswith("warning: ") and "skipped" in line for line in result.stderr.splitlines()) == 3


# ------------------------------------------------------------------------------- full, limited, read-only


def _unshare_available() -> str | None:
    if shutil.which("unshare") is None:
        return "no unshare"
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        text=True,
    )
    return None if probe.returncode == 0 else f"unshare/mount not allowed: {probe.stderr.strip()}"


def in_small_disk(mount: Path, args: list, size: str = "1m", fill: bool = False, read_only: bool = False,
                  prepare: str = "", timeout: float = 120) -> subprocess.CompletedProcess:  # fmt: skip
    """``digitize ARGS`` with ``mount`` a fresh tmpfs of ``size`` (filled to the brim, or remounted read-only
    after ``prepare`` ran), in a user and mount namespace of its own."""
    reason = _unshare_available()
    if reason:
        pytest.skip(reason)
    mount.mkdir(parents=True, exist_ok=True)
    script = f'mount -t tmpfs -o size={size} tmpfs "$1" || exit 99\n{prepare}\n'
    if fill:
        script += 'dd if=/dev/zero of="$1/.filler" bs=4k 2>/dev/null\n'
    if read_only:
        script += 'mount -o remount,ro "$1" || exit 98\n'
    script += 'shift\nexec "$@"\n'
    command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", str(mount)]
    return subprocess.run(
        command + [sys.executable, "-m", "digitize.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
    )


@pytest.fixture(scope="module")
def finished_batch(tmp_path_factory) -> Path:
    """A finished batch output folder (manifest and outputs) of one text-layer page."""
    base = tmp_path_factory.mktemp("finished")
    born_digital(base / "src.pdf")
    done = digitize("batch", base / "src.pdf", "-o", base / "out", "-q")
    assert done.returncode == 0, done.stderr
    return base / "out"


def test_batch_on_a_full_disk_is_one_line_exit_4(tmp_path):
    """Before: sqlite3.OperationalError traceback, exit 1."""
    born_digital(tmp_path / "p.pdf")
    res = in_small_disk(tmp_path / "disk", ["batch", tmp_path / "p.pdf", "-o", tmp_path / "disk" / "out"], fill=True)
    line = one_error_line(res.stderr, ExitCode.OUTPUT, res.returncode)
    assert "database or disk is full" in line or "No space left on device" in line


@pytest.mark.slow
def test_batch_on_a_read_only_folder_is_one_line_exit_4(tmp_path, finished_batch):
    """Before: OSError traceback (Read-only file system: .batch.lock), exit 1."""
    pdf = born_digital(tmp_path / "p.pdf")
    disk = tmp_path / "disk"
    res = in_small_disk(disk, ["batch", pdf, "-o", disk / "out"], read_only=True,
                        prepare=f'cp -r "{finished_batch}" "$1/out"')  # fmt: skip
    assert "Read-only file system" in one_error_line(res.stderr, ExitCode.OUTPUT, res.returncode)
    res = in_small_disk(disk, ["batch", pdf, "-o", disk / "new"], read_only=True)
    assert "cannot create output folder" in one_error_line(res.stderr, ExitCode.USAGE, res.returncode)


@pytest.mark.slow
def test_status_reads_a_batch_on_a_read_only_or_full_disk(tmp_path, finished_batch):
    disk = tmp_path / "disk"
    for options in ({"read_only": True}, {"fill": True}):
        res = in_small_disk(disk, ["status", "--json", disk / "out"], prepare=f'cp -r "{finished_batch}" "$1/out"',
                            **options)  # fmt: skip
        assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
        assert json.loads(res.stdout)["counts"]["done"] == 1


def _file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
def test_batch_and_status_under_a_file_size_limit(tmp_path, finished_batch):
    """Before: 'disk I/O error' traceback from SQLite, or the process killed by SIGXFSZ."""
    pdf = born_digital(tmp_path / "p.pdf")
    res = digitize("batch", pdf, "-o", tmp_path / "out", preexec_fn=_file_size_limit(20_000))
    line = one_error_line(res.stderr, ExitCode.OUTPUT, res.returncode)
    assert "manifest.sqlite: cannot write" in line
    res = digitize("status", finished_batch, "--json", preexec_fn=_file_size_limit(1))
    assert res.returncode == 0 and json.loads(res.stdout)["counts"]["done"] == 1, res.stderr


def test_status_on_a_manifest_that_is_not_a_database(tmp_path):
    (tmp_path / "manifest.sqlite").write_bytes(b"not a database" * 100)
    result = invoke("status", tmp_path)
    assert result.exit_code == ExitCode.USAGE and "Traceback" not in result.output
    assert next(ln for ln in result.stderr.splitlines() if ln).startswith(f"error: {tmp_path / 'manifest.sqlite'}: ")


@pytest.mark.slow
def test_batch_stops_when_its_outputs_cannot_be_written_and_resumes(tmp_path):
    """The manifest is writable but the folder the outputs go to is full: the batch stops at the first page
    with one line and exit 4 (before: every page failed with a traceback-like reason and the batch went on,
    so the whole archive needed --retry-failed); the pages are pending, and a re-run finishes them."""
    src = tmp_path / "src" / "sub"
    src.mkdir(parents=True)
    born_digital(src / "a.pdf")
    born_digital(src / "b.pdf")
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    res = in_small_disk(out / "sub", ["batch", tmp_path / "src", "-o", out, "-q"], size="64k", fill=True)
    assert "No space left on device" in one_error_line(res.stderr, ExitCode.OUTPUT, res.returncode)
    status = json.loads(digitize("status", out, "--json").stdout)
    assert status["counts"]["pending"] == 2 and status["counts"]["failed"] == 0
    again = digitize("batch", tmp_path / "src", "-o", out, "-q")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (out / "sub").iterdir()) == ["a.alto.xml", "a.txt", "b.alto.xml", "b.txt"]
