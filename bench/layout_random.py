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
import os
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


def settings_of(overrides: list[str] | tuple[str, ...] = ()):
    """The pipeline's settings with `--set STAGE.NAME=VALUE` overrides (as `digitize run --set`)."""
    from digitize.settings import load_settings

    return load_settings(None, list(overrides))


def digitize_and_score(
    image: Path, gt: dict, gt_text: str, stem: str, out: Path, engine: str = "ppocr", settings=None
) -> dict:
    """Run the pipeline on one page, dump its JSON, score layout and text. Returns the page's figures."""
    from digitize.export.json import page_json
    from digitize.export.text import page_text
    from digitize.pipeline import iter_pages

    settings = settings or settings_of()
    t0 = time.perf_counter()
    page = next(iter_pages(image, engine, settings=settings))
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
        "load": round(os.getloadavg()[0], 1),
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
    seeds: list[int],
    out: Path,
    size: str,
    engine: str = "ppocr",
    profiles=None,
    langs=None,
    log=print,
    settings=None,
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
        r = digitize_and_score(out / f["image"], gt, gt_text, stem, out, engine, settings)
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


def _chunks(text: str, n: int = 10) -> list[str]:
    """The whitespace-free text cut into pieces of n characters (markers and headings out)."""
    t = strip_space(text)
    return [t[i : i + n] for i in range(0, len(t) - n + 1, n)]


def _ngrams_found(line: str, hay: str, n: int = 4) -> float:
    """Share of a line's character n-grams that occur in `hay` (both whitespace-free): a printed line
    found in a text despite a few recognition errors."""
    t = strip_space(line)
    grams = [t[i : i + n] for i in range(len(t) - n + 1)] or ([t] if t else [])
    return sum(g in hay for g in grams) / len(grams) if grams else 0.0


def _best_heading(text_lines: list[str], headline: str) -> int | None:
    """The index of our `## ` line that is most like `headline` (None when none is at least half like it)."""
    from difflib import SequenceMatcher

    want = strip_space(headline)
    best, best_ratio = None, 0.5
    for i, line in enumerate(text_lines):
        if line.startswith("## "):
            ratio = SequenceMatcher(None, want, strip_space(line[3:])).ratio()
            if ratio > best_ratio:
                best, best_ratio = i, ratio
    return best


def score_issue(iss: dict, out: Path, text: str, our_links: set) -> dict:
    """Issue-level figures against the generator's ground truth (iss-<seed>.issue.json and the pages' gt):
    - linked: ground-truth links (forward page, backward page) our linker made;
    - once: the continued part is written once (its 10-character pieces that we recognised at all are
      found in the issue text no more often than the pages print them: a part written again as its own
      article repeats them);
    - whole: the story is one run of our text: from our heading most like its headline to the next heading,
      the span holds >= 90 % of the story's pieces that occur anywhere in the text (recognition aside);
    - story CER over that span (1.0 when the headline is not found);
    - furniture: masthead, folio and footer lines of the pages found in the issue text (>= 60 % of a line's
      character 4-grams present)."""
    from digitize.evaluate import cer as text_cer

    flat = strip_space(text)
    lines = text.splitlines()
    # The generator draws paragraphs from one corpus, so a sentence may be printed in two stories of an issue:
    # a piece is written twice by us only when the text holds it more often than the pages print it.
    printed = strip_space("".join((out / f"{p['stem']}.gt.txt").read_text(encoding="utf-8") for p in iss["pages"]))
    truth = [(l["forward"][0], l["backward"][0]) for l in iss["links"]]
    stories = []
    for link, story in zip(iss["links"], iss["stories"]):
        gts = [
            json.loads((out / f"{iss['pages'][pk - 1]['stem']}.gt.json").read_text(encoding="utf-8"))
            for pk in (link["forward"][0], link["backward"][0])
        ]
        bid = link["backward"][1]
        back_body = "".join(
            b["text"] for b in gts[1]["blocks"] if b["article"] == bid and b["role"] in ("body", "intertitle", "byline")
        ).replace(link["marker_in"], "")
        pieces = [c for c in _chunks(back_body) if c in flat]
        once = bool(pieces) and sum(flat.count(c) > max(1, printed.count(c)) for c in pieces) <= len(pieces) // 2
        headline = next((x[3:] for x in story.splitlines() if x.startswith("## ")), "")
        at = _best_heading(lines, headline)
        if at is None:
            span, whole, story_cer = "", False, 1.0
        else:
            end = next((j for j in range(at + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
            span = "\n".join(lines[at:end])
            story_cer = text_cer(story, span)
            anywhere = [c for c in _chunks(story) if c in flat]
            flat_span = strip_space(span)
            whole = bool(anywhere) and sum(c in flat_span for c in anywhere) >= 0.9 * len(anywhere)
        stories.append({"once": once, "whole": whole, "cer": story_cer})
    furniture, leaked = 0, []
    for p in iss["pages"]:
        gt = json.loads((out / f"{p['stem']}.gt.json").read_text(encoding="utf-8"))
        for key in ("page_header", "page_footer"):
            for item in (gt.get(key) or {}).get("lines", []):
                if len(strip_space(item["text"])) < 4:
                    continue
                furniture += 1
                if _ngrams_found(item["text"], flat) >= 0.6:
                    leaked.append(item["text"])
    return {
        "links": len(truth),
        "linked": sum(1 for t in truth if t in our_links),
        "our_links": len(our_links),
        "stories": stories,
        "story_cer": [s["cer"] for s in stories],
        "furniture_lines": furniture,
        "furniture_leaked": leaked,
    }


def run_issues(seeds: list[int], out: Path, size: str, engine: str = "ppocr", log=print, settings=None) -> list[dict]:
    """Issues of 2-4 pages, digitized page by page and linked (`digitize run --issue`'s route), scored by
    score_issue."""
    from digitize.export.text import issue_text
    from digitize.issue import issue_document
    from digitize.pipeline import iter_pages

    settings = settings or settings_of()
    res = []
    done = {}
    if (out / "issues.jsonl").exists():
        for line in (out / "issues.jsonl").read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            done[r["seed"]] = r
    for seed in seeds:
        if seed in done:
            res.append(done[seed])
            continue
        try:
            iss = random_pages.make_issue(seed, out, size)
        except Exception as exc:  # a generator bug: reported, and the run goes on
            log(f"issue {seed}: GENERATOR FAILED {type(exc).__name__}: {str(exc)[:200]}")
            continue
        t0 = time.perf_counter()
        pages = [next(iter_pages(out / p["image"], engine, settings=settings)) for p in iss["pages"]]
        doc = issue_document(f"iss-{seed}", pages, settings.repair)
        text = issue_text(doc)
        (out / f"iss-{seed}.issue.txt").write_text(text, encoding="utf-8")
        ours = {(a[0], b[0]) for a, b in getattr(doc, "article_links", [])}
        r = {"seed": seed, "pages": len(pages), "seconds": round(time.perf_counter() - t0, 1)}
        r |= score_issue(iss, out, text, ours)
        res.append(r)
        with (out / "issues.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        log(
            f"issue {seed}: {len(pages)} pages, links {r['linked']}/{r['links']} (ours {r['our_links']}), "
            f"once {sum(s['once'] for s in r['stories'])}/{len(r['stories'])}, "
            f"whole {sum(s['whole'] for s in r['stories'])}/{len(r['stories'])}, "
            f"furniture in text {len(r['furniture_leaked'])}/{r['furniture_lines']}"
        )
    return res


def issue_summary(issues: list[dict]) -> dict:
    links = sum(i["links"] for i in issues)
    stories = [s for i in issues for s in i.get("stories", [])]
    lines = sum(i.get("furniture_lines", 0) for i in issues)
    return {
        "issues": len(issues),
        "pages": sum(i["pages"] for i in issues),
        "links": links,
        "linked": sum(i["linked"] for i in issues),
        "our_links": sum(i["our_links"] for i in issues),
        "stories": len(stories),
        "once": sum(s["once"] for s in stories),
        "whole": sum(s["whole"] for s in stories),
        "story_cer": sum(s["cer"] for s in stories) / len(stories) if stories else 0.0,
        "furniture_lines": lines,
        "furniture_leaked": sum(len(i.get("furniture_leaked", [])) for i in issues),
    }


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
    pipeline: str = "",
):
    hi = [r for r in rows if high_dpi(factors[r["stem"]])]
    lo = [r for r in rows if not high_dpi(factors[r["stem"]])]
    L = [
        "# Layout on randomized pages (issue 14)",
        "",
        f"Command: `{command}`  ",
        f"Run seed {seed} (page i has seed {seed}*1000+i), page size preset `{size}`, "
        f"{len(rows)} pages, {wall / 60:.0f} min of pipeline time on the shared 2-core machine (mean 1-min load "
        f"{sum(r.get('load', 0) for r in rows) / max(1, len(rows)):.1f} as pages finished). Pipeline: {pipeline or 'default'}.",
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
        q = issue_summary(issues)
        share = lambda k, n: f"{q[k]}/{q[n]} ({q[k] / q[n] if q[n] else 1:.3f})"
        L += [
            "## Issues",
            "",
            f"{q['issues']} issues, {q['pages']} pages (the issue route: pages digitized one by one, then linked as "
            "`digitize run --issue` does). The issue's target: continued articles linked >= 0.97, each written "
            "once and whole, no masthead or folio in the text.",
            "",
            "| continued stories linked | our links | written once | whole | story CER | furniture lines in the text |",
            "|---|---|---|---|---|---|",
            f"| {share('linked', 'links')} | {q['our_links']} | {share('once', 'stories')} | "
            f"{share('whole', 'stories')} | {q['story_cer']:.3f} | {share('furniture_leaked', 'furniture_lines')} |",
            "",
            "Written once: the continued part's 10-character pieces that we recognised are found once in the issue "
            "text. Whole: from our heading most like the story's headline to the next heading, the span holds "
            ">= 90 % of the story's pieces that are anywhere in the text. Furniture: masthead, folio and footer "
            "lines of the pages (>= 4 characters) of which >= 60 % of the 4-grams are in the issue text.",
            "",
        ]
    roles: dict[str, list[int]] = {}
    for r in hi:
        for role, v in r["per_role"].items():
            roles[role] = [x + y for x, y in zip(roles.get(role, [0, 0, 0]), v)]
    L += [
        "## Per role, pages at ≥ 150 dpi",
        "",
        "A block is found when one of ours of the same role overlaps it at IoU ≥ 0.5 (layout-eval's matching); "
        "worst recall first. Roles the pipeline has no name for (`table`) are never found.",
        "",
        "| role | truth | ours | found | recall | precision |",
        "|---|---|---|---|---|---|",
    ]
    for role, (t, o, fd) in sorted(roles.items(), key=lambda kv: kv[1][2] / kv[1][0] if kv[1][0] else 2.0):
        L.append(f"| {role} | {t} | {o} | {fd} | {fd / t if t else 1:.3f} | {fd / o if o else 1:.3f} |")
    L.append("")
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


def describe(settings) -> str:
    path = "text-first (lines.enabled=true)" if settings.lines.enabled else "default (lines.enabled=false)"
    other = {k: v for k, v in settings.changed().items() if k != "lines.enabled"}
    return path + (", " + ", ".join(f"{k}={v}" for k, v in other.items()) if other else "")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, help="the run's seed (random when not given)")
    ap.add_argument("--size", choices=list(random_pages.SIZES), default="full")
    ap.add_argument("--issues", type=int, default=20, help="issues of 2-4 pages to link and score")
    ap.add_argument("--engine", default="ppocr")
    ap.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="STAGE.NAME=VALUE",
        help="a pipeline setting, as `digitize run --set` (e.g. lines.enabled=true: the text-first path)",
    )
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
    settings = settings_of(args.overrides)
    changed = settings.changed()
    # DIGITIZE_TEXT_FIRST=1 changes the default itself: the folder names the path either way
    tag = "-textfirst" if settings.lines.enabled else ""
    tag += "".join(f"-{k}={v}" for k, v in sorted(changed.items()) if k != "lines.enabled")
    out = Path(args.out) / f"seed-{seed}-{args.size}{tag}"
    print(f"settings changed: {changed or 'none'}; out {out}", flush=True)
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
        write_md(Path(args.md), cmd, seed, args.size, rows, factors, issues, wall, args.note, describe(settings))
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
        [seed * 1000 + i for i in range(args.n)],
        out,
        args.size,
        args.engine,
        log=lambda s: print(s, flush=True),
        settings=settings,
    )
    issues = (
        run_issues(
            [seed * 1000 + 900 + i for i in range(args.issues)],
            out,
            args.size,
            args.engine,
            log=lambda s: print(s, flush=True),
            settings=settings,
        )
        if args.issues
        else []
    )
    cmd = "python bench/layout_random.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if "--seed" not in cmd:
        cmd += f"  # drew --seed {seed}"
    write_md(
        Path(args.md),
        cmd,
        seed,
        args.size,
        rows,
        factors,
        issues,
        sum(r["seconds"] for r in rows),
        args.note,
        describe(settings),
    )
    hi = pooled([r for r in rows if high_dpi(factors[r["stem"]])])
    print(json.dumps({"high_dpi": hi, "low": pooled([r for r in rows if not high_dpi(factors[r["stem"]])])}, indent=1))


if __name__ == "__main__":
    main()
