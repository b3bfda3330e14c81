"""Fuzzing the loaders and readers: whatever bytes come in, only the documented error classes come out.

In the test suite: hypothesis, a bounded number of examples (``FUZZ_EXAMPLES``, default 60 per target, a few
seconds each). The long run is this file as a script, for a duration, with a crash log::

    python tests/test_fuzz.py --seconds 600 [--out DIR]           # random mutations of valid seed files
    python tests/test_fuzz.py --seconds 600 --atheris [--out DIR] # coverage-guided (atheris / libFuzzer)

Documented errors: ``digitize.io.InputError`` from ``load``; ``digitize.read.ReadError`` (an InputError) from
the readers of ALTO, hOCR, PAGE and text; nothing at all from ``repair_text`` and ``compare``, which take any
text.
"""

from __future__ import annotations

import functools
import io
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_inputs import pdf_pages

from digitize import to_text
from digitize.diff import Options, compare
from digitize.io import InputError, load
from digitize.read import ReadError, read_bytes
from digitize.repair_text import repair_text

# Fuzzed headers may claim any size: keep decoding cheap, the size guard itself is what refuses them.
FUZZ_LOAD_OPTIONS = {"dpi": 36, "max_pixels": 4_000_000}


def _seed_image() -> Image.Image:
    img = Image.new("L", (96, 64), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((8, 8, 88, 20), fill=0)
    draw.line((8, 40, 88, 56), fill=80, width=3)
    return img


def _encoded(img: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def seed_files() -> dict[str, bytes]:
    """Small valid files of every kind ``load`` reads: the starting points of the mutations."""
    img = _seed_image()
    return {
        "png": _encoded(img, "PNG"),
        "png-palette-alpha": _encoded(img.convert("P"), "PNG", transparency=0),
        "png-16bit": _encoded(Image.frombytes("I;16", img.size, bytes(img.tobytes()) * 2), "PNG"),
        "jpeg": _encoded(img, "JPEG", quality=80),
        "jpeg-cmyk": _encoded(img.convert("CMYK"), "JPEG"),
        "tiff-g4": _encoded(img.convert("1"), "TIFF", compression="group4"),
        "tiff-multi": _encoded(img, "TIFF", save_all=True, append_images=[img.rotate(90)], compression="tiff_deflate"),
        "pdf-image": _encoded(img, "PDF", resolution=72),
        "pdf-vector": pdf_pages(
            2,
            b"1 w 10 10 m 60 60 l S BT /F1 12 Tf 5 5 Td (Hello) Tj ET",
            (72, 72),
            b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
        ),
    }


SEEDS = seed_files()

ALTO_SEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page WIDTH="100" HEIGHT="100"><PrintSpace>
<TextBlock ID="b1"><TextLine><String CONTENT="re-" SUBS_TYPE="HypPart1" SUBS_CONTENT="reuse"/><SP/>
<String CONTENT="use" SUBS_TYPE="HypPart2" SUBS_CONTENT="reuse"/></TextLine></TextBlock>
<TextBlock ID="b2"><TextLine><String CONTENT="\xe4\xb8\xad\xe6\x96\x87"/></TextLine></TextBlock>
</PrintSpace></Page></Layout></alto>"""

HOCR_SEED = """<html xmlns="http://www.w3.org/1999/xhtml"><head><meta name="ocr-system" content="x"/></head><body>
<div class="ocr_page" title="bbox 0 0 400 300; image page.png"><div class="ocr_carea" title="bbox 10 10 390 100">
<p class="ocr_par"><span class="ocr_line" title="bbox 10 10 390 40; x_wconf 90"><span class="ocrx_word"
title="bbox 10 10 100 40; x_wconf 91">hyphen-</span></span><span class="ocr_line" title="bbox 10 50 390 80">
<span class="ocrx_word" title="bbox 10 50 100 80">ated 中文</span></span></p></div></div></body></html>""".encode()

READER_SEEDS = {"alto": ALTO_SEED, "hocr": HOCR_SEED, "text": "## 标题\n\n甲乙。\n".encode()}


def mutate(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """Byte flips, overwrites with boundary values, cuts, inserted junk and duplicated slices."""
    buf = bytearray(data)
    for _ in range(rounds or rng.randint(1, 8)):
        if not buf:
            buf += rng.randbytes(rng.randint(1, 16))
            continue
        at = rng.randrange(len(buf))
        op = rng.randrange(6)
        if op == 0:
            buf[at] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[at] = rng.choice([0x00, 0x01, 0x7F, 0x80, 0xFF])
        elif op == 2:  # a 32-bit length or size field set to a boundary value
            buf[at : at + 4] = rng.choice(
                [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x7f\xff\xff\xff", b"\x00\x01\x00\x00"]
            )
        elif op == 3:
            del buf[rng.randrange(at, len(buf) + 1) :]
        elif op == 4:
            buf[at:at] = rng.randbytes(rng.randint(1, 32))
        else:
            end = min(len(buf), at + rng.randint(1, 256))
            buf[at:at] = buf[at:end]
    return bytes(buf)


def load_target(data: bytes, folder: Path) -> None:
    """The property: ``load`` either yields pages or raises InputError."""
    path = folder / "fuzz.bin"
    path.write_bytes(data)
    try:
        for page in load(path, **FUZZ_LOAD_OPTIONS):
            assert page.image.dtype.name == "uint8" and page.image.ndim == 2
    except InputError as exc:
        assert "\n" not in str(exc)


def reader_target(data: bytes) -> None:
    """The property: the readers either give a Document or raise ReadError."""
    try:
        doc = read_bytes(data, "fuzz")
    except ReadError as exc:
        assert "\n" not in str(exc)
        return
    to_text(doc)


def manifest_seed(folder: Path) -> Path:
    """A small batch manifest as a real batch leaves it: a run, a page done (needing review), one failed, an
    issue. The starting point of the ``status`` mutations."""
    from digitize.batch.manifest import MANIFEST_NAME, IssueUnit, Manifest, Unit

    folder.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(folder / MANIFEST_NAME)
    run = manifest.start_run({"engine": "ppocr"})
    units = [Unit(f"/in/p{i}.png", 0, 1, f"p{i}.png", "issue", "0" * 64) for i in range(3)]
    for unit in units:
        manifest.upsert_pending(unit, "h")
    quality = {"text_coverage": 0.5, "mean_confidence": 0.9, "reasons": ["low-coverage"]}
    done = {"state": "done", "timings": {"total": 2.5}, "outputs": [{"path": "p0.txt", "sha256": "0"}]}
    manifest.mark_finished(
        units[0], done | {"review_state": "needs-review", "reasons": "low-coverage", "quality": quality}
    )
    manifest.mark_finished(units[1], done)
    manifest.mark_finished(units[2], {"state": "failed", "error": "/in/p2.png: not an image"})
    manifest.upsert_issue_pending(IssueUnit("issue", tuple(units)), "h")
    manifest.count_run(run, "done")
    manifest.finish_run(run, "completed")
    manifest.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    manifest.close()
    return folder / MANIFEST_NAME


# Values a hand edit or a disk fault can leave in a column: wrong types, non-finite and huge numbers, JSON of
# the wrong shape, markup and control characters.
ODD_VALUES = [
    None,
    "",
    "x",
    "{",
    "[]",
    '{"total": "slow"}',
    '{"reasons": {}}',
    '{"total": 1e999}',
    "null",
    -1,
    0,
    2**62,
    1e308,
    float("nan"),
    float("inf"),
    b"\xff\xfe",
    "<script>",
    "\x1b[2J",
    '"str"',
    "[[1, 2]]",
]
MANIFEST_COLUMNS = {
    "pages": [
        "source",
        "page_index",
        "page_total",
        "relpath",
        "issue",
        "state",
        "attempts",
        "error",
        "engine",
        "worker",
        "timings",
        "outputs",
        "started_at",
        "finished_at",
        "review_state",
        "reasons",
        "quality",
    ],
    "runs": ["started_at", "finished_at", "settings", "pages_done", "pages_failed", "outcome"],
    "issues": ["issue", "pages", "state", "error", "outputs", "finished_at"],
}


def status_target(seed: bytes, folder: Path, rng: random.Random) -> None:
    """The property: `digitize status` (and `review`) on a damaged manifest (bytes mutated, or one column of one row set to an
    odd value) ends with exit 0 or 2 and one-line messages, never a traceback."""
    import sqlite3

    from click.testing import CliRunner

    from digitize.cli import main

    path = folder / "manifest.sqlite"
    for leftover in folder.glob("manifest.sqlite*"):
        leftover.unlink()
    if rng.random() < 0.5:
        path.write_bytes(mutate(seed, rng))
    else:
        path.write_bytes(seed)
        table = rng.choice(sorted(MANIFEST_COLUMNS))
        column = rng.choice(MANIFEST_COLUMNS[table])
        db = sqlite3.connect(path)
        try:
            # CHECK constraints off: a damaged file is not bound by them
            db.execute("PRAGMA ignore_check_constraints=ON")
            with db:
                db.execute(
                    f"UPDATE {table} SET {column}=? WHERE rowid=(SELECT min(rowid) FROM {table})",
                    (rng.choice(ODD_VALUES),),
                )
        except sqlite3.Error:  # a NOT NULL column: the value cannot be there
            pass
        finally:
            db.close()
    command = rng.choice([["status", str(folder)], ["status", str(folder), "--json"], ["review", str(folder)]])
    result = CliRunner().invoke(main, command)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), f"exit {result.exit_code}\n{result.output[-500:]}"


def text_target(text: str) -> None:
    repaired, _ = repair_text(text)
    assert repaired == "" or repaired.endswith("\n")
    result = compare(text, repaired, Options())
    assert result.to_json()  # metrics computed and serializable


# ----------------------------------------------------------------------------------- bounded, in the suite

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@BOUNDED
@given(seed=st.sampled_from(sorted(SEEDS)), rng_seed=st.integers(0, 2**32 - 1))
def test_mutated_files_raise_only_input_error(tmp_path, seed, rng_seed):
    load_target(mutate(SEEDS[seed], random.Random(rng_seed)), tmp_path)


@BOUNDED
@given(
    magic=st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"%PDF-1.4\n", b""]),
    tail=st.binary(max_size=512),
)
def test_random_bytes_behind_a_magic_number(tmp_path, magic, tail):
    load_target(magic + tail, tmp_path)


@BOUNDED
@given(seed=st.sampled_from(sorted(READER_SEEDS)), rng_seed=st.integers(0, 2**32 - 1))
def test_mutated_alto_hocr_text_raise_only_read_error(seed, rng_seed):
    reader_target(mutate(READER_SEEDS[seed], random.Random(rng_seed)))


@BOUNDED
@given(
    st.text(
        alphabet=st.sampled_from(list("甲乙丙。，,.;:!?-—#（）() \n\r\t\ufeffAbc\u00ad\u3000")) | st.characters(),
        max_size=300,
    )
)
def test_repair_and_compare_take_any_text(text):
    text_target(text)


@functools.cache
def manifest_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return manifest_seed(Path(tmp)).read_bytes()


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_status_takes_any_damaged_manifest(tmp_path, seed):
    status_target(manifest_bytes(), tmp_path, random.Random(seed))


# Found by the long fuzz run: Page WIDTH/HEIGHT that are not finite numbers.
@pytest.mark.parametrize("width", ["10p", "10\x7f", "nan", "inf"])
def test_found_by_fuzzing_alto_page_width_not_a_number(width):
    reader_target(ALTO_SEED.replace(b'WIDTH="100"', f'WIDTH="{width}"'.encode(), 1))


# ------------------------------------------------------------------------------------------------ long run


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def long_run(seconds: float, out: Path, seed: int = 0) -> int:
    """Random mutation fuzzing for ``seconds``; every crash or hang (> 20 s) is saved under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    signal.signal(signal.SIGALRM, _alarm)
    examples = crashes = 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        manifest = manifest_seed(Path(tmp) / "seed").read_bytes()
        (Path(tmp) / "status").mkdir()
        while time.monotonic() - start < seconds:
            target = rng.choice(["load"] * 6 + ["read", "read", "text", "status"])
            if target == "load":
                name = rng.choice(sorted(SEEDS))
                data = mutate(SEEDS[name], rng)
            elif target == "read":
                name = rng.choice(sorted(READER_SEEDS))
                data = mutate(READER_SEEDS[name], rng)
            elif target == "status":
                name, data = "manifest", manifest
            else:
                name = "text"
                data = mutate("甲乙。\n\n## 标题\n\nabc-\n\ndef，丙\r\n".encode(), rng)
            examples += 1
            signal.alarm(20)
            try:
                if target == "load":
                    load_target(data, Path(tmp))
                elif target == "read":
                    reader_target(data)
                elif target == "status":
                    status_target(data, Path(tmp) / "status", random.Random(rng.getrandbits(32)))
                else:
                    text_target(data.decode("utf-8", "replace"))
            except _Timeout:
                crashes += 1
                (out / f"hang-{name}-{examples}.bin").write_bytes(data)
                print(f"HANG {name} example {examples}", flush=True)
            except Exception as exc:  # any other exception is the finding
                crashes += 1
                (out / f"crash-{name}-{examples}.bin").write_bytes(data)
                print(f"CRASH {name} example {examples}: {type(exc).__name__}: {exc}"[:300], flush=True)
            finally:
                signal.alarm(0)
            if examples % 2000 == 0:
                print(f"{time.monotonic() - start:.0f} s: {examples} examples, {crashes} crashes", flush=True)
    print(f"done: {examples} examples in {time.monotonic() - start:.0f} s, {crashes} crashes or hangs", flush=True)
    return crashes


def atheris_run(seconds: float, out: Path) -> None:
    """Coverage-guided: libFuzzer drives the bytes, seeded with the valid files; stops at the first crash."""
    import atheris

    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, data in SEEDS.items():
        (corpus / name).write_bytes(data)
    tmp = Path(tempfile.mkdtemp())

    def one_input(data: bytes) -> None:
        load_target(data, tmp)

    atheris.instrument_all()
    atheris.Setup(
        [
            sys.argv[0],
            f"-max_total_time={int(seconds)}",
            "-timeout=20",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={out}/",
            str(corpus),
        ],
        one_input,
    )
    atheris.Fuzz()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", "600")))
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"))
    parser.add_argument("--atheris", action="store_true")
    args = parser.parse_args()
    if args.atheris:
        atheris_run(args.seconds, args.out)
    else:
        sys.exit(1 if long_run(args.seconds, args.out) else 0)
