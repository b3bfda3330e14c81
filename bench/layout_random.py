"""Layout and text on randomized pages (issue 14): N fresh-seed pages from samples/random_pages.py, each
digitized by the real pipeline and scored by `digitize layout-eval`'s scorer and the text scorers, with a
breakdown by factor (which degradation or structure costs how much), worst first.

    python bench/layout_random.py [--n 300] [--seed S] [--size full] [--issues 20] [--out out/layout-random]
                                  [--md bench/layout-random.md]

`--seed` is the run's seed (drawn and printed when not given); page i has seed S*1000+i, so any page can be
replayed with `python samples/random_pages.py --seed S*1000+i --out DIR --size SIZE`. Per-page results go to
OUT/results.jsonl (a re-run with the same OUT skips pages already scored). Rows: pages at >= 150 dpi (clean
renders and scans) and, apart, 72-150 dpi scans, camera photos and web images. Not a test: `make bench-layout`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

import random_pages  # noqa: E402

from digitize.evaluate import cer, paragraph_breaks, strip_space  # noqa: E402
from digitize.layout_eval import score_page  # noqa: E402

METRICS = ("block_p", "block_r", "order", "headline_p", "headline_r", "article_f1", "edges", "cer", "bag_cer")
ISSUE_FLOORS = {
    "block_p": 0.95,
    "block_r": 0.95,
    "order": 0.98,
    "headline_p": 0.97,
    "headline_r": 0.97,
    "article_f1": 0.95,
    "edges": 0.98,
}


def bag_cer(reference: str, hypothesis: str) -> float:
    """Order-free CER: characters missing or extra, whatever their order (max of the two, so that a
    substitution counts once); the floor that recognition alone sets."""
    ref, hyp = Counter(strip_space(reference)), Counter(strip_space(hypothesis))
    n = sum(ref.values())
    if not n:
        return 0.0
    return max(sum((ref - hyp).values()), sum((hyp - ref).values())) / n


def digitize_and_score(image: Path, gt: dict, gt_text: str, stem: str, out: Path, engine: str = "ppocr") -> dict:
    """Run the pipeline on one page, dump its JSON, score layout and text. Returns the page's figures."""
    from digitize.export.json import page_json
    from digitize.export.text import page_text
    from digitize.pipeline import iter_pages

    t0 = time.perf_counter()
    page = next(iter_pages(image, engine))
    seconds = time.perf_counter() - t0
    dump = page_json(page)
    (out / f"{stem}.json").write_text(dump, encoding="utf-8")
    text = page_text(page)
    (out / f"{stem}.txt").write_text(text, encoding="utf-8")
    s = score_page(stem, gt, json.loads(dump))
    head = s.per_role.get("headline", [0, 0, 0])
    breaks = paragraph_breaks(gt_text, text)
    return {
        "stem": stem,
        "seconds": round(seconds, 2),
        "truth_blocks": sum(v[0] for v in s.per_role.values()),
        "our_blocks": sum(v[1] for v in s.per_role.values()),
        "found": sum(v[2] for v in s.per_role.values()),
        "block_p": s.precision,
        "block_r": s.recall,
        "order_pairs": s.order_pairs,
        "order": s.order_accuracy,
        "headline": head,
        "headline_p": head[2] / head[1] if head[1] else 1.0,
        "headline_r": head[2] / head[0] if head[0] else 1.0,
        "article_f1": s.article_f1,
        "edges_n": s.edges,
        "edges": s.edge_accuracy,
        "cer": cer(gt_text, text),
        "bag_cer": bag_cer(gt_text, text),
        "para_f1": breaks.f1,
        "per_role": s.per_role,
    }


def pooled(rows: list[dict]) -> dict:
    """Figures over many pages: blocks, headlines, order pairs and edges pooled; article F1 and CERs the
    mean of pages (CER weighted by nothing: every page counts once)."""
    if not rows:
        return {}
    tb, ob, fb = (sum(r[k] for r in rows) for k in ("truth_blocks", "our_blocks", "found"))
    h = [sum(r["headline"][i] for r in rows) for i in range(3)]
    op = [sum(r["order_pairs"][i] for r in rows) for i in range(2)]
    ed = [sum(r["edges_n"][i] for r in rows) for i in range(2)]
    mean = lambda k: sum(r[k] for r in rows) / len(rows)
    # a page where no block was found has no pairs to order and one "article": layout-eval calls that 1.0,
    # here it counts 0 (a collapsed page must not raise the mean)
    article = sum(r["article_f1"] if r["found"] else 0.0 for r in rows) / len(rows)
    return {
        "pages": len(rows),
        "block_p": fb / ob if ob else 1.0,
        "block_r": fb / tb if tb else 1.0,
        "order": op[0] / op[1] if op[1] else 1.0,
        "headline_p": h[2] / h[1] if h[1] else 1.0,
        "headline_r": h[2] / h[0] if h[0] else 1.0,
        "article_f1": article,
        "edges": ed[0] / ed[1] if ed[1] else 1.0,
        "cer": mean("cer"),
        "bag_cer": mean("bag_cer"),
        "para_f1": mean("para_f1"),
        "seconds": mean("seconds"),
    }


def page_score(r: dict) -> float:
    """One number per page for the factor table: the mean of block F1, order, headline F1, article F1, edges."""
    f = lambda p, q: 2 * p * q / (p + q) if p + q else 0.0
    if not r["found"]:  # nothing found: order, articles and edges are not vacuously right
        return 0.0
    return (
        f(r["block_p"], r["block_r"]) + r["order"] + f(r["headline_p"], r["headline_r"]) + r["article_f1"] + r["edges"]
    ) / 5


def features(f: dict) -> list[str]:
    """The factors of a page as names, for the per-factor table."""
    out = [
        f"profile={f['profile']}",
        f"lang={f['lang']}",
        f"format={f['format']}",
        f"body_kind={f['body_kind']}",
        f"columns={'3-4' if f['ncols'] <= 4 else '5-6' if f['ncols'] <= 6 else '7-9'}",
        f"body_pt={'7-9' if f['body_pt'] < 9 else '9-12'}",
        f"gutter={'<1.2em' if f['gutter_em'] < 1.2 else '>=1.2em'}",
        f"output_dpi={'<150' if f['output_dpi'] < 150 else '150-249' if f['output_dpi'] < 250 else '>=250'}",
    ]
    for k in ("unequal_columns", "column_rules", "stack_rules", "faux_bold", "headlines_left", "colour", "hyphenate"):
        out.append(f"{k}={'yes' if f.get(k) else 'no'}")
    out += [f"degradation:{k}" for k in f.get("degradations", {})]
    out += [f"structure:{k}" for k in f.get("structures", {})]
    if f.get("jump_out"):
        out.append("structure:jump_line")
    return out


def factor_table(rows: list[dict], factors: dict[str, dict]) -> list[dict]:
    """For each factor: pages with it, their mean page score, and its cost (mean score without - with)."""
    feats = {r["stem"]: set(features(factors[r["stem"]])) for r in rows}
    names = sorted({n for s in feats.values() for n in s})
    table = []
    for name in names:
        with_ = [r for r in rows if name in feats[r["stem"]]]
        without = [r for r in rows if name not in feats[r["stem"]]]
        if not with_ or not without:
            continue
        m = lambda rs, k: sum(k(r) for r in rs) / len(rs)
        table.append(
            {
                "factor": name,
                "pages": len(with_),
                "score": m(with_, page_score),
                "cost": m(without, page_score) - m(with_, page_score),
                "block_r": m(with_, lambda r: r["block_r"]),
                "order": m(with_, lambda r: r["order"]),
                "headline_r": m(with_, lambda r: r["headline_r"]),
                "article_f1": m(with_, lambda r: r["article_f1"] if r["found"] else 0.0),
                "edges": m(with_, lambda r: r["edges"]),
                "cer": m(with_, lambda r: r["cer"]),
            }
        )
    return sorted(table, key=lambda t: -t["cost"])


def high_dpi(f: dict) -> bool:
    return f["profile"] in ("clean", "scan") and f["output_dpi"] >= 150


def run_pages(
    seeds: list[int], out: Path, size: str, engine: str = "ppocr", profiles=None, langs=None, log=print
) -> tuple[list[dict], dict[str, dict]]:
    """Render, digitize and score the pages of `seeds` (profile/lang forced per page when given)."""
    out.mkdir(parents=True, exist_ok=True)
    done = {}
    results = out / "results.jsonl"
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            done[r["stem"]] = r
    rows, factors = [], {}
    for i, seed in enumerate(seeds):
        stem = f"rnd-{seed}"
        if stem in done:
            rows.append(done[stem])
            factors[stem] = done[stem]["factors"]
            continue
        prof = profiles[i % len(profiles)] if profiles else None
        lang = langs[i % len(langs)] if langs else None
        try:
            f = random_pages.make_page(seed, out, size, prof, lang)
        except Exception as exc:  # a generator bug: reported, and the run goes on
            log(f"{stem}: GENERATOR FAILED {type(exc).__name__}: {str(exc)[:200]}")
            with (out / "generator-failures.txt").open("a", encoding="utf-8") as fh:
                fh.write(f"{seed} {type(exc).__name__} {str(exc)[:200]}\n")
            continue
        gt = json.loads((out / f"{stem}.gt.json").read_text(encoding="utf-8"))
        gt_text = (out / f"{stem}.gt.txt").read_text(encoding="utf-8")
        r = digitize_and_score(out / f["image"], gt, gt_text, stem, out, engine)
        r["factors"] = f
        rows.append(r)
        factors[stem] = f
        with results.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        log(
            f"{stem}: {f['profile']} {f['lang']} {f['image_px']} blocks P/R {r['block_p']:.2f}/{r['block_r']:.2f} "
            f"order {r['order']:.2f} head R {r['headline_r']:.2f} art {r['article_f1']:.2f} edges {r['edges']:.2f} "
            f"CER {r['cer']:.3f} bag {r['bag_cer']:.3f} ({r['seconds']:.0f}s)"
        )
    return rows, factors


def run_issues(seeds: list[int], out: Path, size: str, engine: str = "ppocr", log=print) -> list[dict]:
    """Issues: links found (a ground-truth link whose two parts our linker joins) and stories written once."""
    from digitize.evaluate import cer as text_cer
    from digitize.export.text import issue_text
    from digitize.issue import issue_document
    from digitize.pipeline import iter_pages

    res = []
    for seed in seeds:
        iss = random_pages.make_issue(seed, out, size)
        pages = [next(iter_pages(out / p["image"], engine)) for p in iss["pages"]]
        doc = issue_document(f"iss-{seed}", pages)
        text = issue_text(doc)
        ours = {(a[0], b[0]) for a, b in getattr(doc, "article_links", [])}
        truth = [(l["forward"][0], l["backward"][0]) for l in iss["links"]]
        found = sum(1 for t in truth if t in ours)
        story_cers = []
        for story in iss["stories"]:
            first = story.splitlines()[0]
            headline = next(line for line in story.splitlines() if line.startswith("## "))
            start = text.find(first)
            own = text.find(headline, start) if start >= 0 else -1
            end = text.find("\n## ", own + 1) if own >= 0 else -1
            part = text[start : end if end > 0 else len(text)] if start >= 0 else ""
            story_cers.append(text_cer(story, part))
        r = {
            "seed": seed,
            "pages": len(pages),
            "links": len(truth),
            "linked": found,
            "our_links": len(ours),
            "story_cer": story_cers,
        }
        res.append(r)
        with (out / "issues.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(r) + "\n")
        log(
            f"issue {seed}: {len(pages)} pages, links {found}/{len(truth)} (ours {len(ours)}), story CER "
            + ", ".join(f"{c:.3f}" for c in story_cers)
        )
    return res


def fmt_row(name: str, p: dict) -> str:
    if not p:
        return f"| {name} | 0 |" + " |" * 10
    return (
        f"| {name} | {p['pages']} | {p['block_p']:.3f} | {p['block_r']:.3f} | {p['order']:.3f} | {p['headline_p']:.3f} | "
        f"{p['headline_r']:.3f} | {p['article_f1']:.3f} | {p['edges']:.3f} | {p['cer']:.3f} | {p['bag_cer']:.3f} | "
        f"{p['seconds']:.0f} |"
    )


def write_md(
    path: Path,
    command: str,
    seed: int,
    size: str,
    rows: list[dict],
    factors: dict,
    issues: list[dict],
    wall: float,
    note: str = "",
):
    hi = [r for r in rows if high_dpi(factors[r["stem"]])]
    lo = [r for r in rows if not high_dpi(factors[r["stem"]])]
    L = [
        "# Layout on randomized pages (issue 14)",
        "",
        f"Command: `{command}`  ",
        f"Run seed {seed} (page i has seed {seed}*1000+i), page size preset `{size}`, "
        f"{len(rows)} pages, {wall / 60:.0f} min of pipeline time on the shared 2-core machine (load ~20 during the run).",
        "",
        *([note, ""] if note else []),
        "Replay a page: `python samples/random_pages.py --seed SEED --out DIR --size " + size + "`, then "
        "`digitize run DIR/rnd-SEED.* ...` and `digitize layout-eval DIR OUT`.",
        "",
        "A page where no block was found (the layout read it as one region) scores 0 for article F1 and page "
        "score, not layout-eval's vacuous 1.0. "
        "Blocks, headlines, order pairs and column-break edges are pooled over pages; article B³ F1, CER "
        "(order-sensitive, whitespace-free) and bag-of-characters CER (order-free: the recognition floor) "
        "are means of pages. The issue's target: block P/R ≥ 0.95, order ≥ 0.98, headline P/R ≥ 0.97, article "
        "F1 ≥ 0.95, edges ≥ 0.98, CER within 0.5 points of bag CER, on 300 pages at ≥ 150 dpi.",
        "",
        "| pages | n | block P | block R | order | headline P | headline R | article F1 | edges | CER | bag CER | s/page |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        fmt_row("≥ 150 dpi (clean, scans)", pooled(hi)),
        fmt_row("72–150 dpi, camera, web", pooled(lo)),
        fmt_row("all", pooled(rows)),
        "",
    ]
    for lang in ("zh-Hans", "zh-Hant", "en"):
        sub = [r for r in hi if factors[r["stem"]]["lang"] == lang]
        if sub:
            L.insert(-1, fmt_row(f"≥ 150 dpi, {lang}", pooled(sub)))
    if issues:
        links = sum(i["links"] for i in issues)
        linked = sum(i["linked"] for i in issues)
        cers = [c for i in issues for c in i["story_cer"]]
        L += [
            "## Issues",
            "",
            f"{len(issues)} issues, {sum(i['pages'] for i in issues)} pages: continued stories "
            f"linked {linked}/{links} ({linked / links if links else 1:.3f}); joined story CER mean "
            f"{sum(cers) / len(cers) if cers else 0:.3f} (a story not found whole counts 1.0).",
            "",
        ]
    L += [
        "## Per factor, worst first",
        "",
        "Score = mean of block F1, order, headline F1, article F1 and edges per page; cost = mean score of pages "
        "without the factor minus pages with it (positive: the factor hurts). Small groups are noisy. Order and "
        "edges of a collapsed page (no block found) are vacuously 1.0 in their columns; its score is 0.",
        "",
        "| factor | pages | score | cost | block R | order | headline R | article F1 | edges | CER |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in factor_table(rows, factors):
        L.append(
            f"| {t['factor']} | {t['pages']} | {t['score']:.3f} | {t['cost']:+.3f} | {t['block_r']:.3f} | "
            f"{t['order']:.3f} | {t['headline_r']:.3f} | {t['article_f1']:.3f} | {t['edges']:.3f} | {t['cer']:.3f} |"
        )
    L += [
        "",
        "## Worst pages (replay these)",
        "",
        "| page | profile | lang | score | block R | order | headline R | article F1 | edges | CER |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(rows, key=page_score)[:12]:
        f = factors[r["stem"]]
        L.append(
            f"| {r['stem']} | {f['profile']} | {f['lang']} | {page_score(r):.3f} | {r['block_r']:.3f} | "
            f"{r['order']:.3f} | {r['headline_r']:.3f} | {r['article_f1']:.3f} | {r['edges']:.3f} | {r['cer']:.3f} |"
        )
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, help="the run's seed (random when not given)")
    ap.add_argument("--size", choices=list(random_pages.SIZES), default="full")
    ap.add_argument("--issues", type=int, default=20, help="issues of 2-4 pages to link and score")
    ap.add_argument("--engine", default="ppocr")
    ap.add_argument("--out", default=str(ROOT / "out" / "layout-random"))
    ap.add_argument("--md", default=str(ROOT / "bench" / "layout-random.md"))
    ap.add_argument("--note", default="", help="a paragraph for the report (how the run was made)")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="write the report from OUT's results.jsonl (pages already scored), running nothing",
    )
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2_000_000)
    print(f"run seed {seed}", flush=True)
    out = Path(args.out) / f"seed-{seed}-{args.size}"
    if args.report_only:
        rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
        rows = [r for r in rows if int(r["stem"].split("-")[1]) - seed * 1000 < args.n]
        factors = {r["stem"]: r["factors"] for r in rows}
        issues = (
            [json.loads(line) for line in (out / "issues.jsonl").read_text(encoding="utf-8").splitlines()]
            if (out / "issues.jsonl").exists()
            else []
        )
        wall = sum(r["seconds"] for r in rows)  # pipeline time only
        shown = list(argv if argv is not None else sys.argv[1:])
        if "--note" in shown:  # the note is printed as its own paragraph
            i = shown.index("--note")
            del shown[i : i + 2]
        cmd = "python bench/layout_random.py " + " ".join(shown) + " --note '...'"
        write_md(Path(args.md), cmd, seed, args.size, rows, factors, issues, wall, args.note)
        print(
            json.dumps(
                {
                    "high_dpi": pooled([r for r in rows if high_dpi(factors[r["stem"]])]),
                    "low": pooled([r for r in rows if not high_dpi(factors[r["stem"]])]),
                },
                indent=1,
            )
        )
        return
    rows, factors = run_pages(
        [seed * 1000 + i for i in range(args.n)], out, args.size, args.engine, log=lambda s: print(s, flush=True)
    )
    issues = (
        run_issues(
            [seed * 1000 + 900 + i for i in range(args.issues)],
            out,
            args.size,
            args.engine,
            log=lambda s: print(s, flush=True),
        )
        if args.issues
        else []
    )
    cmd = "python bench/layout_random.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if "--seed" not in cmd:
        cmd += f"  # drew --seed {seed}"
    write_md(Path(args.md), cmd, seed, args.size, rows, factors, issues, sum(r["seconds"] for r in rows), args.note)
    hi = pooled([r for r in rows if high_dpi(factors[r["stem"]])])
    print(json.dumps({"high_dpi": hi, "low": pooled([r for r in rows if not high_dpi(factors[r["stem"]])])}, indent=1))


if __name__ == "__main__":
    main()
