"""The randomized test bed (issue 14): pages drawn fresh on every run from samples/random_pages.py.

A run draws its seed from DIGITIZE_SEED when set, else at random, and prints it; every assertion message
carries it and the command that replays the page. The generator's own consistency is checked quickly on
every run; the slow test reads 12 pages across the factors with the real pipeline and holds them to floors.

Interim floors: today's pipeline does not meet the issue's floors on random pages (it was built on the
fixed families). INTERIM_FLOORS are set below what it gave on 12-page samples of the benchmark's pages (the
comment at INTERIM_FLOORS has the figures and commands) and are printed beside the issue's floors
(ISSUE_FLOORS, the target, checked by an xfail test until the layout rewrite lands, when they replace the
interim ones). A floor is never lowered to let a seed pass: a seed that exposed a bug is added to
REGRESSION_PAGES (one page) or REGRESSION_SEEDS (a 12-page sample) and the bug fixed.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "bench"))

import random_pages  # noqa: E402

SEED = int(os.environ.get("DIGITIZE_SEED") or random.SystemRandom().randrange(1, 2_000_000))
print(f"\nrandom test bed: DIGITIZE_SEED={SEED}", file=sys.stderr)

# Seeds that exposed a bug: each is read on every run, besides the fresh one. Add, never remove.
# Twelve-page samples (a DIGITIZE_SEED) held to the interim floors: none yet (a sample costs 3-7 minutes).
REGRESSION_SEEDS: list[int] = []
# Single pages (a page seed, `python samples/random_pages.py --seed S --size ci` draws it) and the bug each
# exposed. A page is read with the real pipeline and must not collapse: block recall >= 0.3 and bag-of-characters
# CER <= 0.5. An open bug is a strict xfail: when the fix lands the test XPASSes and fails, and the mark goes.
# The seeds replay the generator of the commit that added them; a change to the generator's draws re-draws the
# page (check that the new page still shows the bug, or replace the seed with one that does).
REGRESSION_PAGES: list[tuple[int, str, str | None]] = [
    # (page seed, what it exposed, None when fixed or the open bug's xfail reason)
    # Found by `python bench/layout_random.py --n 48 --seed 61207 --size ci` (bench/layout-random.md): 15 of its
    # 48 pages found no block at all, every page with a dark scanner border and every camera photo.
    # The dark frame is taken off since page_frame.py (block R 0.00 -> 0.44 on both, bag CER 0.92 -> 0.02 and
    # 0.98 -> 0.32); the camera page is warped flat, but its noisy paper (noise 0.98, blur 1.6) lets the
    # halftone photo's box grow over the text above it (layout._grow_to_edges), so it is still one photo.
    (61207027, "scan, dark scanner border, skew 3°, bleed-through", None),
    (
        61207002,
        "camera photo on a dark table, perspective, heavy noise and blur",
        "open: on noisy paper the halftone photo's box grows over the whole flattened page",
    ),
    (61207013, "scan turned, scanner border, bilevel, stains", None),
    # Found by the fifth session's draw (seed 1758425, bench/layout-random.md), both "done" at coverage 1.0: a
    # photo's texture box took in the 15 body lines touching it (bag CER 0.61 -> 0.00 since tiled detection joins
    # only pieces of one height); an 87 dpi vertical page with only its headlines detected (flagged
    # low-coverage by unread_ink since, still unread).
    (1758425019, "400 dpi English scan, a grey photo beside the body column, skew 2.7°", None),
    (
        1758425013,
        "87 dpi vertical page, blurred, bleed-through",
        "open: its body columns are never detected (the page is flagged low-coverage, unread ink 0.71)",
    ),
]

PAGES = 12
# Each page's profile and language, so that the 12 cover the factors (the rest is drawn from the seed).
PROFILES = ["clean", "scan", "scan", "lowres", "scan", "camera", "clean", "scan", "web", "scan", "clean", "scan"]
LANGS = ["zh-Hans", "zh-Hans", "en", "zh-Hant", "zh-Hans", "en", "zh-Hant", "zh-Hans", "zh-Hans", "en", "en", "zh-Hant"]

# The issue's floors (300 pages at >= 150 dpi, after the layout rewrite).
ISSUE_FLOORS = {
    "block_p": 0.95,
    "block_r": 0.95,
    "order": 0.98,
    "headline_p": 0.97,
    "headline_r": 0.97,
    "article_f1": 0.95,
    "edges": 0.98,
}
# INTERIM floors over the 12-page sample: below today's pipeline, to catch a regression; the issue's floors
# (ISSUE_FLOORS above, the target) are printed beside them on every run. How they were set:
# - 2026-12-07, first bed (bench/layout-random.md of 752253): three real runs of this test (DIGITIZE_SEED 744289,
#   411552, 346119) and 2,000 random 12-page subsets of a 48-page bench gave 1st percentiles block P 0.147,
#   block R 0.323, order 0.825, headline P 0.350, headline R 0.143, article F1 0.395, edges 0.125, 99th percentile
#   bag CER 0.457: floors block P 0.05, block R 0.20, order 0.70, headline P 0.20, headline R 0.05, article F1
#   0.35, edges 0.05, bag CER <= 0.55.
# - 2026-12-07, the bed with tables, text wrapped around photos, adverts in the grid, two stories under one headline
#   (a harder bed, not a worse pipeline): the 48-page bench `python bench/layout_random.py --n 48 --seed 61207 --size
#   ci`, default and text-first (--set lines.enabled=true), gave 1st percentiles over 2,000 random 12-page subsets
#   block P 0.178/0.199, block R 0.219/0.228, order 0.693/0.675, headline P 0.200/0.200, headline R 0.115/0.118,
#   article F1 0.302/0.303, edges 0.068/0.051, 99th percentile bag CER 0.586/0.296. Drawing 12 pages in this
#   test's profile mix (3 clean, 6 scans, 1 each of 72-150 dpi, camera, web) from those pages, the first floors
#   failed 2.2 % / 3.0 % of samples (order, bag CER), these 0.36 % / 0.34 % (so ten fresh seeds in a row pass
#   ~96 % of the time). Lowered: order 0.70 -> 0.65, headline P 0.20 -> 0.15, article F1 0.35 -> 0.25, bag CER
#   0.55 -> 0.60; the others kept.
# - 2026-12-07, second session, raised after column runs, story heads, the page-header zone, the sparse re-read and
#   faint-ink regions (bench/layout-random.md): 2,000 random 12-page subsets in this test's profile mix gave 1st
#   percentiles block P 0.333 / 0.368, block R 0.558 / 0.564, order 0.742 / 0.794, headline P 0.472 / 0.500,
#   headline R 0.450 / 0.500, article F1 0.781 / 0.812, edges 0.321 / 0.355, 99th percentile bag CER 0.166 / 0.121
#   (the 48 pages of seed 61207 at commit cda31bd / the 24 pages of fresh seed 1207955 at d591e65). Floors set
#   well under both, since a fresh seed's pages vary more than subsets of one bench: block P 0.05 -> 0.20, block
#   R 0.20 -> 0.40, headline P 0.15 -> 0.30, headline R 0.05 -> 0.30, article F1 0.25 -> 0.60, edges 0.05 -> 0.20,
#   bag CER 0.60 -> 0.35; order kept at 0.65.
# Raise the floors as the pipeline improves; never lower one to let a seed pass (a seed that exposes a bug goes to
# REGRESSION_PAGES or REGRESSION_SEEDS).
INTERIM_FLOORS = {
    "block_p": 0.20,
    "block_r": 0.40,
    "order": 0.65,
    "headline_p": 0.30,
    "headline_r": 0.30,
    "article_f1": 0.60,
    "edges": 0.20,
}
INTERIM_MAX_BAG_CER = 0.35  # recognition: order-free CER, mean of pages (99th percentile 0.166 / 0.121)


def floors_line(p: dict) -> str:
    """Each figure beside its interim floor and the issue's floor."""
    return (
        ", ".join(
            f"{k} {p[k]:.3f} (interim {INTERIM_FLOORS[k]:.2f}, issue {ISSUE_FLOORS[k]:.2f})" for k in INTERIM_FLOORS
        )
        + f", bag CER {p['bag_cer']:.3f} (interim max {INTERIM_MAX_BAG_CER:.2f})"
    )


def page_seeds(seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(s) for s in rng.integers(1, 2**31 - 1, PAGES)]


def replay(seed: int, size: str = "ci") -> str:
    return f"DIGITIZE_SEED={SEED}: replay with `python samples/random_pages.py --seed {seed} --out DIR --size {size}`"


# --- the generator, quickly -----------------------------------------------------------------------------


@pytest.mark.slow  # renders full pages twice
@pytest.mark.parametrize("k", range(2))
def test_pages_replay_exactly_and_their_ground_truth_is_consistent(tmp_path, k):
    seed = page_seeds(SEED)[k]
    a = random_pages.make_page(seed, tmp_path / "a", "ci", PROFILES[k], LANGS[k])
    b = random_pages.make_page(seed, tmp_path / "b", "ci", PROFILES[k], LANGS[k])
    assert a == b, replay(seed)
    stem = f"rnd-{seed}"
    gt_a = (tmp_path / "a" / f"{stem}.gt.json").read_text(encoding="utf-8")
    assert gt_a == (tmp_path / "b" / f"{stem}.gt.json").read_text(encoding="utf-8"), replay(seed)
    assert (tmp_path / "a" / a["image"]).read_bytes() == (tmp_path / "b" / b["image"]).read_bytes(), replay(seed)
    gt = json.loads(gt_a)
    assert gt["factors"]["seed"] == seed
    ids = {x["id"] for x in gt["articles"]}
    assert gt["blocks"] and {x["article"] for x in gt["blocks"]} <= ids, replay(seed)
    assert [x["order"] for x in gt["blocks"]] == list(range(1, len(gt["blocks"]) + 1)), replay(seed)
    w, h = gt["width"], gt["height"]
    for box in [x["box"] for x in gt["blocks"]] + [x["box"] for x in gt["lines"]]:
        assert 0 <= box[0] <= box[2] <= w and 0 <= box[1] <= box[3] <= h, (box, replay(seed))
    text = (tmp_path / "a" / f"{stem}.gt.txt").read_text(encoding="utf-8")
    lines = "".join(
        x["text"]
        for x in gt["lines"]
        if any(b["id"] == x["block"] and b["role"] not in ("advertisement", "continuation") for b in gt["blocks"])
    )
    strip = lambda s: "".join(ch for ch in s if not ch.isspace() and ch not in "#-")
    # every character printed in a story is in the text, and nothing else (punctuation is printed full width;
    # a hyphen may be a line-end break that the text does not hold)
    assert len(strip(text)) == len(strip(lines)), replay(seed)


def test_geometric_degradations_move_the_ground_truth_with_the_page():
    """Whatever a degradation profile does (skew, turn, perspective, border, rescale), a mapped box still
    holds its ink: a black patch on a white page is dark inside its mapped box and light around it."""
    import degrade

    rng0 = np.random.default_rng(SEED)
    for profile in ("scan", "camera", "web", "lowres") * 3:
        seed = int(rng0.integers(1, 2**31 - 1))
        page = np.full((1200, 900), 255, np.uint8)
        box = [380, 520, 520, 680]
        page[box[1] : box[3], box[0] : box[2]] = 0
        img, hm, f, _dpi, _enc = degrade.degrade(page, np.random.default_rng(seed), profile, 200)
        g = img if img.ndim == 2 else img.mean(axis=2)
        x0, y0, x1, y1 = degrade.map_box(box, hm, g.shape[1], g.shape[0])
        dx, dy = (x1 - x0) // 5, (y1 - y0) // 5
        inside = g[y0 + dy : y1 - dy, x0 + dx : x1 - dx].astype(float).mean()
        ring = g[max(0, y0 - 3 * dy) : y1 + 3 * dy, max(0, x0 - 3 * dx) : x1 + 3 * dx].astype(float)
        around = (ring.sum() - g[y0:y1, x0:x1].astype(float).sum()) / (ring.size - (y1 - y0) * (x1 - x0))
        assert inside < around - 60, (profile, f, inside, around, f"DIGITIZE_SEED={SEED}, degrade seed {seed}")


# Issue seeds that exposed a generator bug, read besides the fresh one. 176073: all three continued parts were
# meant for one page whose grid had no story leaf for them; the issue came out with no link at all (the page is
# now drawn again until its continued parts have room).
REGRESSION_ISSUE_SEEDS = [176073]


@pytest.mark.slow  # renders a whole issue
@pytest.mark.parametrize("issue_seed", [SEED, *REGRESSION_ISSUE_SEEDS])
def test_an_issue_links_its_continued_stories_in_the_ground_truth(tmp_path, issue_seed):
    iss = random_pages.make_issue(issue_seed, tmp_path, "ci")
    assert 2 <= len(iss["pages"]) <= 4 and iss["links"], f"DIGITIZE_SEED={SEED}: make_issue({issue_seed})"
    for link, story in zip(iss["links"], iss["stories"]):
        fpage, fid = link["forward"]
        bpage, bid = link["backward"]
        assert fpage < bpage and fid == bid
        fgt = json.loads((tmp_path / f"{iss['pages'][fpage - 1]['stem']}.gt.json").read_text(encoding="utf-8"))
        art = next(a for a in fgt["articles"] if a["id"] == fid)
        assert art["continuation"]["direction"] == "forward", f"make_issue({issue_seed})"
        bgt = json.loads((tmp_path / f"{iss['pages'][bpage - 1]['stem']}.gt.json").read_text(encoding="utf-8"))
        back = next((a for a in bgt["articles"] if a["id"] == bid), None)  # the continued part is on its page
        assert back and back["continuation"]["direction"] == "backward", f"make_issue({issue_seed}): {link}"
        assert link["marker_out"] not in story and link["marker_in"] not in story, f"make_issue({issue_seed})"
        assert story.startswith(("## ", "### ")) and "\n## " in "\n" + story, f"make_issue({issue_seed})"
        assert len(story) > 100, f"make_issue({issue_seed}): the joined story is too short to have two parts"


# --- the real pipeline on 12 pages ----------------------------------------------------------------------


def _read_sample(seed: int, out: Path):
    from layout_random import pooled, run_pages

    rows, factors = run_pages(
        page_seeds(seed), out, "ci", profiles=PROFILES, langs=LANGS, log=lambda s: print(s, file=sys.stderr)
    )
    return rows, factors, pooled(rows)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return _read_sample(SEED, tmp_path_factory.mktemp("random-bed"))


@pytest.mark.slow
def test_twelve_fresh_pages_meet_the_interim_floors(sample):
    rows, _factors, p = sample
    print(f"DIGITIZE_SEED={SEED}: {floors_line(p)}", file=sys.stderr)
    worst = sorted(rows, key=lambda r: r["block_r"])[:3]
    hint = "; worst pages: " + ", ".join(
        f"{r['stem']} ({r['factors']['profile']}, R {r['block_r']:.2f})" for r in worst
    )
    low = {k: round(p[k], 3) for k, floor in INTERIM_FLOORS.items() if p[k] < floor}
    assert not low, (
        f"DIGITIZE_SEED={SEED}: below the interim floors {low}{hint}; {replay(worst[0]['factors']['seed'])}; "
        f"all: {floors_line(p)}"
    )
    assert p["bag_cer"] <= INTERIM_MAX_BAG_CER, f"DIGITIZE_SEED={SEED}: bag CER {p['bag_cer']:.3f}{hint}"


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="issue 14's floors: met after the layout rewrite, not by today's pipeline")
def test_twelve_fresh_pages_meet_the_issue_floors(sample):
    rows, _factors, _p = sample
    high = [r for r in rows if r["factors"]["profile"] in ("clean", "scan") and r["factors"]["output_dpi"] >= 150]
    from layout_random import pooled

    q = pooled(high)
    low = {k: round(q[k], 3) for k, floor in ISSUE_FLOORS.items() if q[k] < floor}
    assert not low, f"DIGITIZE_SEED={SEED}: below the issue's floors on {len(high)} pages at >= 150 dpi: {low}"


@pytest.mark.slow
@pytest.mark.parametrize("seed", REGRESSION_SEEDS)
def test_regression_seeds_meet_the_interim_floors(seed, tmp_path):
    _rows, _factors, p = _read_sample(seed, tmp_path)
    low = {k: round(p[k], 3) for k, floor in INTERIM_FLOORS.items() if p[k] < floor}
    assert not low, f"regression seed {seed}: below the interim floors {low}"


def _regression_params():
    return [
        pytest.param(seed, id=str(seed), marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])
        for seed, _what, why in REGRESSION_PAGES
    ]


@pytest.mark.slow
@pytest.mark.parametrize("page_seed", _regression_params())
def test_regression_pages_are_read(page_seed, tmp_path):
    from layout_random import run_pages

    rows, _factors = run_pages([page_seed], tmp_path, "ci", log=lambda s: print(s, file=sys.stderr))
    (r,) = rows
    what = next(w for s, w, _ in REGRESSION_PAGES if s == page_seed)
    assert r["block_r"] >= 0.3 and r["bag_cer"] <= 0.5, (
        f"regression page {page_seed} ({what}): block R {r['block_r']:.3f}, bag CER {r['bag_cer']:.3f}; "
        f"{replay(page_seed)}"
    )
