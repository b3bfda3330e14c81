"""The options `run` and `batch` share, declared once so that they cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ..export.alto import UNITS as ALTO_UNITS
from ..export.files import IMAGE_MODES
from ..export.issue_metadata import IssueMetadata, IssueMetadataError, issue_metadata_from_file
from ..export.mets import PROFILES as METS_PROFILES
from ..export.names import DOCUMENT_FORMATS, OUTPUT_FORMATS, parse_formats
from ..export.newsml import BODIES
from ..export.punctuation import PROFILES
from ..io import DEFAULT_DPI, DEFAULT_MAX_PIXELS
from ..ocr.base import ENGINE_NAMES
from ..settings import Settings, SettingsError, load_settings
from .script_options import apply_script_options, script_options

ALL_FORMATS = OUTPUT_FORMATS + DOCUMENT_FORMATS


def formats_option(ctx, param, value: str) -> tuple[str, ...]:
    """``--format txt,alto`` → ``("txt", "alto")``; an unknown name is a usage error (exit 2)."""
    try:
        return parse_formats(value, ALL_FORMATS)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _config_option(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    ctx.meta["digitize.config"] = value


def settings_option(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Settings:
    """``--config FILE`` and ``--set STAGE.NAME=VALUE`` → the pipeline's Settings; a bad file or key is a usage
    error naming it (exit 2)."""
    try:
        return load_settings(ctx.meta.get("digitize.config"), list(value))
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="--config/--set") from exc


def settings_options(command: Callable) -> Callable:
    """``--config`` and ``--set``, given to the command as one ``settings`` argument (digitize.settings.Settings)."""
    command = click.option(
        "--set",
        "settings",
        multiple=True,
        callback=settings_option,
        metavar="STAGE.NAME=VALUE",
        help="Override one setting (repeatable), e.g. --set layout.headline_ratio=1.8.",
    )(command)
    return click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        is_eager=True,
        expose_value=False,
        callback=_config_option,
        envvar="DIGITIZE_CONFIG",
        help="Settings file (TOML: [preprocess] [layout] [ocr] [order]); see `digitize settings`.",
    )(command)


def issue_metadata_option(ctx: click.Context, param: click.Parameter, value: Path | None) -> IssueMetadata | None:
    """``--issue-metadata FILE`` (TOML or JSON, keys as ``IssueMetadata``'s fields) → IssueMetadata; a bad file
    is a usage error naming the key (exit 2)."""
    if value is None:
        return None
    try:
        return issue_metadata_from_file(value)
    except IssueMetadataError as exc:
        raise click.BadParameter(str(exc)) from exc


def run_options(
    threads_help: str = "onnxruntime threads (default: all cores).", debug_overlay: bool = True
) -> Callable:
    """Apply the processing options (engine, formats, punctuation, rasterization, limits, output flavours)."""
    options = [
        click.option(
            "--engine", type=click.Choice(ENGINE_NAMES), default="ppocr", show_default=True, help="OCR engine."
        ),
        click.option(
            "--format",
            "formats",
            default="txt,alto",
            show_default=True,
            callback=formats_option,
            help=f"Comma-separated: {', '.join(ALL_FORMATS)}.",
        ),
        click.option(
            "--punctuation",
            type=click.Choice(PROFILES),
            default="corpus",
            show_default=True,
            help="Punctuation profile of the text output.",
        ),
        click.option(
            "--dpi",
            type=click.IntRange(72, 1200),
            default=DEFAULT_DPI,
            show_default=True,
            help="Rasterization resolution for PDFs.",
        ),
        click.option("--pdf-password", default=None, help="Password of encrypted PDFs."),
        click.option(
            "--max-pixels",
            type=click.IntRange(1),
            default=DEFAULT_MAX_PIXELS,
            show_default=True,
            help="Refuse larger images (decompression bombs).",
        ),
        click.option("--threads", type=click.IntRange(1, 64), default=None, help=threads_help),
        click.option(
            "--alto-unit",
            type=click.Choice(ALTO_UNITS),
            default="pixel",
            show_default=True,
            help="ALTO MeasurementUnit (NDNP requires inch1200).",
        ),
        click.option(
            "--newsml-body",
            type=click.Choice(tuple(BODIES)),
            default="nitf",
            show_default=True,
            help="Article body format inside NewsML-G2.",
        ),
        click.option(
            "--mets-profile",
            type=click.Choice(METS_PROFILES),
            default="enmap",
            show_default=True,
            help="METS profile of issue packages (docs/mets-profiles.md).",
        ),
        click.option(
            "--images",
            "image_mode",
            type=click.Choice(IMAGE_MODES),
            default="reference",
            show_default=True,
            help="Where an issue package's METS and NewsML-G2 find the page images: where they are (reference), "
            "or copied / hard-linked into OUTDIR/images/ so the package travels as one folder.",
        ),
        click.option(
            "--issue-metadata",
            "issue_metadata",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            callback=issue_metadata_option,
            help="TOML/JSON with the issue's identifier, title, publisher, place, date, volume, rights, ... "
            "for METS and NewsML-G2 (batch: an issue folder's own issue.toml/issue.json adds to it).",
        ),
    ]
    if debug_overlay:
        options.append(
            click.option(
                "--debug-overlay",
                is_flag=True,
                help="Also write <stem>.overlay.png: blocks by role, articles, reading order.",
            )
        )

    options += script_options()  # --lang, --script, --rec-model, --strict

    def apply(command: Callable) -> Callable:
        command = apply_script_options(command)  # folds --lang/--script/--rec-model into ``settings``
        command = settings_options(command)
        for option in reversed(options):  # click lists options in the order their decorators are written
            command = option(command)
        return command

    return apply
