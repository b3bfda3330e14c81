"""``--lang``, ``--script``, ``--rec-model`` and ``--strict``, shared by `run` and `batch` (options.run_options).

The first three go into the pipeline's settings (``quality.scripts``, ``ocr.rec_model``), so a batch re-runs its
pages when they change; a script the recognition model does not cover is refused before anything runs, with
the model's coverage and the way out (``--rec-model``). ``--strict`` is handed to the command.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

import click

from ..ocr.models import ModelError, covered_scripts, load_rec_model
from ..quality import LANGUAGE_SCRIPTS, SCRIPTS
from ..settings import Settings

SCRIPT_NAMES = tuple(s for s in SCRIPTS if s != "Other")


def _declared(langs: tuple[str, ...], scripts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for lang in langs:
        for code in lang.split(","):
            code = code.strip().lower()
            if not code:
                continue
            if code not in LANGUAGE_SCRIPTS:
                raise click.BadParameter(
                    f"unknown language {code!r} (known: {', '.join(sorted(LANGUAGE_SCRIPTS))}; or give --script)",
                    param_hint="--lang",
                )
            out += [s for s in LANGUAGE_SCRIPTS[code] if s not in out]
    for item in scripts:
        for name in item.split(","):
            name = name.strip()
            match = [s for s in SCRIPT_NAMES if s.lower() == name.lower()]
            if name and not match:
                raise click.BadParameter(
                    f"unknown script {name!r} (known: {', '.join(SCRIPT_NAMES)})", param_hint="--script"
                )
            out += [s for s in match if s not in out]
    return out


def apply_script_options(command: Callable) -> Callable:
    """Wrap ``command`` so that it receives ``settings`` with the declared scripts and model folded in."""

    @functools.wraps(command)
    def wrapper(*args, langs, scripts, rec_model: Path | None, **kwargs):
        settings: Settings = kwargs["settings"]
        declared = _declared(langs, scripts)
        folder = str(rec_model) if rec_model is not None else settings.ocr.rec_model
        folder = str(Path(folder).absolute()) if folder else ""  # workers may run elsewhere (batch)
        if folder and kwargs.get("engine", "ppocr") != "ppocr":
            raise click.UsageError("--rec-model is for --engine ppocr")
        if folder or declared:
            try:
                model = load_rec_model(folder or None)
            except ModelError as exc:
                raise click.BadParameter(str(exc), param_hint="--rec-model") from exc
            missing = [s for s in declared if s not in covered_scripts(list(model.characters))]
            if missing:
                covered = ", ".join(sorted(covered_scripts(list(model.characters)))) or "no script"
                raise click.UsageError(
                    f"the recognition model {model.name} does not read {', '.join(missing)} (its dictionary covers "
                    f"{covered}); give --rec-model DIR with a PP-OCR model for it"
                )
        kwargs["settings"] = dataclasses.replace(
            settings,
            ocr=dataclasses.replace(settings.ocr, rec_model=folder),
            quality=dataclasses.replace(settings.quality, scripts=",".join(declared) or settings.quality.scripts),
        )
        return command(*args, **kwargs)

    return wrapper


def script_options() -> list[Callable]:
    """The click options, in the order --help lists them."""
    return [
        click.option(
            "--lang",
            "langs",
            multiple=True,
            metavar="CODE[,CODE]",
            help="Languages of the pages (zh, ja, en, ru, ko, ar, ...): their scripts must be ones the model reads, "
            "and pages read in another script are flagged for review.",
        ),
        click.option(
            "--script",
            "scripts",
            multiple=True,
            metavar="NAME[,NAME]",
            help=f"Scripts of the pages ({', '.join(SCRIPT_NAMES)}); as --lang. The bundled PP-OCRv6 small model "
            "reads Han (simplified and traditional), Latin, Kana and Greek; not Cyrillic, Hangul or Arabic.",
        ),
        click.option(
            "--rec-model",
            type=click.Path(path_type=Path),
            default=None,
            metavar="DIR",
            help="A folder with another PP-OCR recognition model (.onnx, and its dictionary .txt unless the "
            "model carries it); nothing is downloaded.",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Exit 5 when every input was written but some pages need review (default: exit 0).",
        ),
    ]
