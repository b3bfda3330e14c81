"""``digitize layout-eval GT_DIR OUT_DIR``: the command over `digitize.layout_eval`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..layout_eval import PageScore, evaluate_dir, summary
from .log import log_options


def print_report(scores: list[PageScore]) -> None:
    data = summary(scores)
    pages = Table(title="layout per page")
    for col in ("page", "block P", "block R", "order pairs", "order edit", "article F1", "edges"):
        pages.add_column(col, justify="left" if col == "page" else "right", no_wrap=True)
    for p in data["pages"]:
        pages.add_row(
            p["stem"],
            f"{p['block_precision']:.3f}",
            f"{p['block_recall']:.3f}",
            f"{p['order_pairwise']:.3f}",
            f"{p['order_edit']:.3f}",
            f"{p['article_bcubed_f1']:.3f}",
            f"{p['successor_edges']:.3f} ({p['edges']})",
        )
    roles = Table(title="blocks per role, all pages")
    for col in ("role", "truth", "ours", "found", "P", "R"):
        roles.add_column(col, justify="left" if col == "role" else "right")
    for r, v in data["roles"].items():
        roles.add_row(
            r, str(v["truth"]), str(v["ours"]), str(v["found"]), f"{v['precision']:.3f}", f"{v['recall']:.3f}"
        )
    console = Console(width=max(120, Console().width))
    console.print(pages)
    console.print(roles)


@click.command("layout-eval")
@click.argument("gt_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of tables.")
@log_options
def layout_eval_command(gt_dir: Path, out_dir: Path, as_json: bool) -> None:
    """Score OUT_DIR's <stem>.json against GT_DIR's <stem>.gt.json: blocks, reading order, articles, joins."""
    scores = evaluate_dir(gt_dir, out_dir)
    if not scores:
        raise click.UsageError(f"no <stem>.json in {out_dir} has a <stem>.gt.json in {gt_dir}")
    if as_json:
        click.echo(json.dumps(summary(scores), indent=1))
    else:
        print_report(scores)
