"""Recognition models: the one bundled in the rapidocr wheel, or a PP-OCR recognition model in a local folder
(``--rec-model DIR``), and the scripts a model's dictionary covers.

Nothing is downloaded: a folder must hold the ``.onnx`` file and its dictionary (inside the ONNX metadata, as
PaddleOCR's exports and rapidocr's models carry it, or a ``.txt`` file, one character a line); anything else is
a ``ModelError`` naming what is missing, before rapidocr is asked (it would download a dictionary it lacks).

A script is covered when the dictionary holds ``COVERED_SHARE`` of its core letters (``CORE_LETTERS``); the
bundled PP-OCRv6 small model's figures are in README "Scripts and models" (``python -m digitize.ocr.models``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

# A script counts as covered when the dictionary holds this share of its core letters. The bundled model holds
# 100 % of basic Latin, kana and Greek and 0 % of Cyrillic, Hangul and Arabic: any value between separates them.
COVERED_SHARE = 0.9


class ModelError(ValueError):
    """A model folder cannot be used; the message is one line naming the folder and what is wrong."""


def _encodable(codec: str, chars: range, low: bytes = b"", high: bytes = b"\xff\xff") -> str:
    """The characters of ``chars`` that ``codec`` encodes, to bytes between ``low`` and ``high``."""
    out = []
    for cp in chars:
        try:
            encoded = chr(cp).encode(codec)
        except UnicodeEncodeError:
            continue
        if low <= encoded <= high:
            out.append(chr(cp))
    return "".join(out)


@functools.cache
def core_letters() -> dict[str, str]:
    """Each script's core letters, the yardstick of coverage: the letters a page in it cannot do without."""
    ascii_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cjk = range(0x4E00, 0xA000)
    return {
        "Han (simplified, GB 2312)": _encodable("gb2312", cjk),
        # Big5's frequent characters (level 1, A440–C67E): level 2 is rare characters that newspapers seldom set.
        "Han (traditional, Big5 level 1)": _encodable("big5", cjk, b"\xa4\x40", b"\xc6\x7e"),
        "Latin (basic)": ascii_letters,
        "Latin (accented, Latin-1)": "".join(chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha()),
        "Kana": "".join(chr(c) for c in range(0x3041, 0x3097)) + "".join(chr(c) for c in range(0x30A1, 0x30FB)),
        "Hangul syllables": "".join(chr(c) for c in range(0xAC00, 0xD7A4)),
        "Cyrillic": "".join(chr(c) for c in range(0x0410, 0x0450)) + "Ёё",
        "Greek": "".join(chr(c) for c in range(0x0391, 0x03AA) if c != 0x03A2)
        + "".join(chr(c) for c in range(0x03B1, 0x03CA)),
        "Arabic": "".join(chr(c) for c in range(0x0621, 0x064B) if chr(c).isalpha()),
    }


# The coarse script (quality.script_of) that each yardstick stands for.
SCRIPT_OF_SET = {
    "Han (simplified, GB 2312)": "Han",
    "Han (traditional, Big5 level 1)": "Han",
    "Latin (basic)": "Latin",
    "Kana": "Kana",
    "Hangul syllables": "Hangul",
    "Cyrillic": "Cyrillic",
    "Greek": "Greek",
    "Arabic": "Arabic",
}


def coverage(characters: list[str]) -> dict[str, float]:
    """Share of each script's core letters the dictionary holds."""
    have = set(characters)
    return {name: sum(c in have for c in letters) / len(letters) for name, letters in core_letters().items()}


def covered_scripts(characters: list[str]) -> frozenset[str]:
    """The coarse scripts (quality.SCRIPTS names) whose every yardstick is covered."""
    shares = coverage(characters)
    scripts: dict[str, bool] = {}
    for name, script in SCRIPT_OF_SET.items():
        scripts[script] = scripts.get(script, True) and shares[name] >= COVERED_SHARE
    return frozenset(s for s, ok in scripts.items() if ok)


@dataclass(frozen=True)
class RecModel:
    onnx: Path
    dictionary: Path | None  # None: the characters are in the ONNX metadata
    characters: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.onnx.name if self.onnx.parent == bundled_dir() else f"{self.onnx.parent.name}/{self.onnx.name}"


def bundled_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def _metadata_characters(onnx: Path) -> list[str] | None:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(onnx), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own types for every kind of bad file
        raise ModelError(f"{onnx}: not a model onnxruntime can load ({' '.join(str(exc).split())[:200]})") from exc
    meta = session.get_modelmeta().custom_metadata_map
    shape = session.get_inputs()[0].shape
    if len(shape) != 4:
        raise ModelError(f"{onnx}: not a PP-OCR recognition model (input of shape {shape}, expected N×3×H×W)")
    return meta["character"].splitlines() if "character" in meta else None


def load_rec_model(folder: str | Path | None) -> RecModel:
    """The recognition model in ``folder`` (None or "": the bundled one). Raises ModelError."""
    if not folder:
        onnx = bundled_dir() / "PP-OCRv6_rec_small.onnx"
        if not onnx.is_file():
            raise ModelError(f"bundled model file missing: {onnx}")
        return _load(onnx, None)
    path = Path(folder)
    if not path.is_dir():
        raise ModelError(
            f"{path}: not a folder (--rec-model takes a folder with a recognition .onnx and its dictionary)"
        )
    onnx_files = sorted(p for p in path.glob("*.onnx") if p.is_file())
    if not onnx_files:
        raise ModelError(f"{path}: no .onnx file (expected a PP-OCR recognition model, e.g. inference.onnx)")
    if len(onnx_files) > 1:
        named = [p for p in onnx_files if p.name == "inference.onnx" or "rec" in p.name.lower()]
        if len(named) != 1:
            raise ModelError(f"{path}: {len(onnx_files)} .onnx files; keep one (or name it inference.onnx)")
        onnx_files = named
    texts = sorted(p for p in path.glob("*.txt") if p.is_file())
    if len(texts) > 1:
        texts = [p for p in texts if "dict" in p.name.lower() or "keys" in p.name.lower()] or texts
    return _load(onnx_files[0], texts[0] if len(texts) == 1 else None, several_texts=len(texts) > 1)


def _load(onnx: Path, dictionary: Path | None, several_texts: bool = False) -> RecModel:
    characters = _metadata_characters(onnx)
    if characters is not None:
        return RecModel(onnx, None, tuple(characters))
    if dictionary is None:
        what = "several .txt files and none named *dict*/*keys*" if several_texts else "no dictionary .txt file"
        raise ModelError(f"{onnx.parent}: {what}, and {onnx.name} carries no character list")
    try:
        characters = dictionary.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{dictionary}: cannot read the dictionary ({exc})") from exc
    if not [c for c in characters if c]:
        raise ModelError(f"{dictionary}: the dictionary is empty")
    return RecModel(onnx, dictionary, tuple(characters))


def coverage_table(model: RecModel) -> str:
    shares = coverage(list(model.characters))
    rows = [f"{model.name}: {len(model.characters)} dictionary entries"]
    for name, letters in core_letters().items():
        have = round(shares[name] * len(letters))
        rows.append(f"  {name:33} {have:6} of {len(letters):6} ({100 * shares[name]:.1f} %)")
    rows.append("  covered: " + ", ".join(sorted(covered_scripts(list(model.characters)))))
    return "\n".join(rows)


if __name__ == "__main__":
    import sys

    print(coverage_table(load_rec_model(sys.argv[1] if len(sys.argv) > 1 else None)))
