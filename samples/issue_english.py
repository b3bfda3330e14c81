#!/usr/bin/env python3
"""The English two-page issue: a front-page story of an English tabloid jumped to an inside page.

    samples/issue_english.py            render samples/issue-en/: a1.png and a4.png (clean pages), their
                                        ground truth a1.gt.json and a4.gt.json, and issue.gt.txt

Page A1 carries the page header ("The Valley Courier", the date, "Page A1"), the lead story cut in the middle
of a paragraph and closed by the jump line "See BRIDGE, Page A4", and two complete stories. Page A4 carries
the rest of the lead story under its repeated headline, opened by the jump line "BRIDGE: From Page A1", and
two other stories. issue.gt.txt is the lead story joined, in the corpus format: the headline as `## ...`,
the byline, the paragraphs separated by blank lines, no jump lines (the paragraph cut by the jump whole).

It is the English counterpart of samples/issue/ (families.issue_pages): Latin type set with
families.set_latin on families' column grid. The output is deterministic: re-running it rewrites the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import render
from families import LATIN_BYLINE, PAGE_H, Composer, Grid, LatinStyle, Slot, _fill, set_latin, write_page
from render import Article, Para

OUT_DIR = Path(__file__).resolve().parent / "issue-en"
PAPER, DATE = "The Valley Courier", "Thursday, December 11, 2025"
JUMP_OUT = "See BRIDGE, Page A4"  # closes the part on page A1
JUMP_IN = "BRIDGE: From Page A1"  # opens the part on page A4
MASTHEAD = LatinStyle("NotoSerif-Bold.ttf", 96, 96)
DATELINE = LatinStyle("NotoSans-Regular.ttf", 34, 34)
GRID = Grid(5, em=34, gutter=34)

LEAD = Article(
    "bridge",
    [
        Para("headline", "Old Mill Bridge to Close for Two Years"),
        Para("byline", "By Ellen Marsh"),
        Para(
            "body",
            "The Old Mill Bridge, the only crossing of the Cedar River between Harlow and Pine Falls, will close "
            "to all traffic in March for a reconstruction that county engineers expect to last at least two "
            "years, the county commission decided on Wednesday night.",
        ),
        Para(
            "body",
            "The vote was four to one after a meeting that ran past midnight. More than two hundred residents "
            "filled the auditorium of Harlow High School, and many of them waited for hours to speak for their "
            "three minutes at the microphone.",
        ),
        Para(
            "body",
            "Engineers told the commission that the steel trusses, built in 1931, have lost as much as a third "
            "of their thickness to rust in places. An inspection in October found cracks in two of the main "
            "beams, and the weight limit was lowered to ten tons the following week, which already keeps school "
            "buses and fire trucks off the bridge.",
        ),
        Para(
            "body",
            "Closing the bridge means a detour of eleven miles for drivers on the east bank, who commute to the "
            "hospital, the factories and the schools in Harlow. Business owners on Mill Street said they fear "
            "losing the customers who now stop for coffee or groceries on their way into town, and several of "
            "them asked whether the county would help shops that lose trade during the closure.",
        ),
        Para(
            "body",
            "The county will run a free shuttle bus between the two towns during the morning and evening rush, "
            "and a temporary footbridge for pedestrians and cyclists is planned to open by early summer. "
            "Commissioner Ruth Calder, who cast the only vote against the plan, argued that the county should "
            "have built the footbridge before closing the old crossing.",
        ),
        Para(
            "body",
            "The new bridge will cost about forty million dollars, most of it paid from the state transportation "
            "fund. It will be wider than the old one, with two traffic lanes, a protected bicycle lane and "
            "sidewalks on both sides, and it is designed to carry the heaviest trucks that use the river road.",
        ),
        Para(
            "body",
            "Several speakers asked the commission to keep some part of the old structure, which appears on the "
            "postcards sold in every shop in town. The engineers said the trusses cannot be saved, but one of "
            "the stone piers may remain in the river as a memorial, and the cast iron railings will be offered "
            "to the historical society.",
        ),
        Para(
            "body",
            "Construction bids will be opened in January. The county has promised to publish a schedule of the "
            "detours on its website and to hold a public meeting every three months until the new bridge opens.",
        ),
    ],
)

FRONT = [
    Article(
        "library",
        [
            Para("headline", "Library Adds Evening Hours"),
            Para("byline", "By Tom Alvarez"),
            Para(
                "body",
                "The Harlow Public Library will stay open until nine o'clock on weeknights starting in January, "
                "the library board announced on Monday. The longer hours are paid for by a grant from a local "
                "family foundation and will continue at least through the end of the school year.",
            ),
            Para(
                "body",
                "Librarians said the reading room is full most afternoons with students who have no quiet place "
                "to study at home or no reliable internet connection. Two tutors from the community college will "
                "be available on Tuesday and Thursday evenings to help with mathematics and writing.",
            ),
            Para(
                "body",
                "The board also approved a plan to lend laptops and wireless hotspots for two weeks at a time, "
                "with a library card and the signature of a parent for borrowers under eighteen.",
            ),
        ],
    ),
    Article(
        "market",
        [
            Para("headline", "Market Moves Indoors"),
            Para(
                "body",
                "The Saturday farmers market will move into the old railroad depot for the winter, organizers "
                "said this week. About thirty vendors have signed up to sell eggs, honey, bread, cheese and "
                "winter vegetables from eight in the morning until noon.",
            ),
            Para(
                "body",
                "The depot was restored last year by volunteers and now has heating, lighting and a small kitchen "
                "where local cooks will offer soup and coffee to shoppers.",
            ),
        ],
    ),
]

INSIDE = [
    Article(
        "robots",
        [
            Para("headline", "Robotics Team Wins Title"),
            Para("byline", "By Priya Natarajan"),
            Para(
                "body",
                "A team of nine students from Pine Falls High School won the regional robotics competition on "
                "Saturday and will compete in the state finals in February. Their robot, built over eight weeks "
                "in the school workshop, sorted colored blocks faster than any other machine in the contest.",
            ),
            Para(
                "body",
                "The students wrote most of the software themselves and designed a gripper from parts printed "
                "on the school's new printer. Their teacher said the team spent many evenings and weekends "
                "testing the robot, and that the students learned as much from their failures as from the win.",
            ),
            Para("body", "The team is raising money for the trip with a car wash and a bake sale next month."),
        ],
    ),
    Article(
        "snow",
        [
            Para("headline", "Plows Ready for Snow"),
            Para(
                "body",
                "Road crews in both towns spent the week loading salt and checking the plows as forecasters "
                "warned that the first snowstorm of the season could arrive on Sunday night.",
            ),
            Para(
                "body",
                "Residents are asked to move their cars off the main streets when a snow emergency is declared, "
                "so that the plows can clear the roads to the hospital and the schools first.",
            ),
        ],
    ),
]


def english_header(c: Composer, page: str) -> int:
    """The strip above the top rule: the paper's name at the left, the date and the page label at the right.
    Returns the y where article space begins (families.Composer.page_header sets CJK type)."""
    g = c.grid
    x0, x1 = g.left, g.left + g.span_w(g.ncols)
    mast = set_latin(PAPER, MASTHEAD, 1400, align="left", hyphenate=False)[0]
    mast.x, mast.y = x0, 70
    small = [set_latin(t, DATELINE, 900, align="left", hyphenate=False)[0] for t in (DATE, f"Page {page}")]
    small[1].x = x1 - small[1].width
    small[0].x = small[1].x - 80 - small[0].width
    for line in small:
        line.y = 70 + 96 - 34
    lines = [mast] + small
    rule_y = 200
    c.rules.append([x0, rule_y, x1, rule_y + 8])
    c.lines += lines
    c.header = {
        "box": render.union([l.box() for l in lines]),
        "text": " ".join(l.text for l in lines),
        "lines": [{"box": l.box(), "text": l.text} for l in lines],
    }
    return rule_y + 8 + 36


def units(c: Composer, art: Article, width: int, jump=(), unindented=()) -> list[render.Unit]:
    """Column flow of Latin type: the byline in bold sans, body paragraphs justified with a 1.5 em indent (none
    for the paragraphs in `unindented`: one continued from another page), jump lines (paragraphs in `jump`)
    in the byline's type, ranged left, each a continuation block of its own."""
    out = []
    byline = c.grid.scaled(LATIN_BYLINE)
    for pi, p in enumerate(art.paras):
        if p.role not in ("byline", "body"):
            continue
        plain = p.role == "byline" or pi in jump
        st = byline if plain else c.body
        lines = set_latin(
            p.text, st, width, indent_em=0 if plain or pi in unindented else 1.5, align="left" if plain else "justify"
        )
        for li, line in enumerate(lines):
            line.para, line.first = pi, li == 0
        kind = "continuation" if pi in jump else p.role  # a jump line is a block of its own
        out += [render.Unit(kind, [line], st.pitch) for line in lines]
    return out


def two_stories(c: Composer, stories: list[Article], top: int):
    """Two stories side by side under a rule: over columns 1-3 and 4-5, a column rule between them."""
    c.article_in(stories[0], 0, 3, top, PAGE_H - 110, 72)
    c.article_in(stories[1], 3, 2, top, PAGE_H - 110, 60)
    c.vrule(3, top, max(b["box"][3] for b in c.blocks if b["article"] in {a.id for a in stories}))


def _part(head: list[Para], body: list[str]) -> Article:
    return Article(LEAD.id, head + [Para("body", t) for t in body])


def front_page() -> tuple[Composer, int]:
    """Page A1; also returns where the lead story's text was cut (an offset into its body paragraphs joined
    by blank lines)."""
    c = Composer(GRID, latin=True)
    g = c.grid
    top = english_header(c, "A1")
    head = [p for p in LEAD.paras if p.role != "body"]
    text = "\n\n".join(p.text for p in LEAD.paras if p.role == "body")
    c.begin(LEAD, {"direction": "forward", "page": "A4", "marker": JUMP_OUT})
    y = c.heading(LEAD, g.col_x(0), g.span_w(5), top, 96)
    split = y + 580  # page A1 holds a little over half of the story
    slots = [Slot(g.col_x(i), y, split) for i in range(5)]
    caps = [s.y1 - s.y0 for s in slots]

    def fits(cut: int) -> bool:
        part = _part(head, text[:cut].split("\n\n") + [JUMP_OUT])
        return not _fill(units(c, part, g.col_w, jump={len(part.paras) - 1}), caps)[1]

    # The longest run of whole words that fits with the jump line under it, cut inside a sentence.
    spaces = [m.start() for m in re.finditer(" ", text)]
    lo, hi = 0, len(spaces) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(spaces[mid]) else (lo, mid - 1)
    k = lo
    while text[spaces[k] - 1] in ".,;:?!\n" or "\n" in text[spaces[k] - 12 : spaces[k] + 12]:
        k -= 1
    cut = spaces[k]
    part = _part(head, text[:cut].split("\n\n") + [JUMP_OUT])
    assert not c.flow(part, slots, units=units(c, part, g.col_w, jump={len(part.paras) - 1}))
    c.hrule(0, 5, split + 30)
    two_stories(c, FRONT, split + 63)
    return c, cut


def inside_page(cut: int) -> Composer:
    """Page A4: the rest of the lead story under its repeated headline, then two stories."""
    c = Composer(GRID, latin=True)
    g = c.grid
    top = english_header(c, "A4")
    text = "\n\n".join(p.text for p in LEAD.paras if p.role == "body")
    part = _part([LEAD.first("headline"), Para("body", JUMP_IN)], text[cut + 1 :].split("\n\n"))
    c.begin(part, {"direction": "backward", "page": "A1", "marker": JUMP_IN})
    y = c.heading(part, g.col_x(0), g.span_w(5), top, 72)
    flow = units(c, part, g.col_w, jump={1}, unindented={2})
    rest = c.flow(part, [Slot(g.col_x(i), y, 1900) for i in range(5)], units=flow)
    assert not rest, "page A4 too small for the rest of the story"
    foot = max(b["box"][3] for b in c.blocks)
    c.hrule(0, 5, foot + 40)
    two_stories(c, INSIDE, foot + 73)
    return c


def joined_story() -> str:
    """The lead story whole, in the corpus format."""
    return "\n\n".join(p.corpus() for p in LEAD.paras) + "\n"


def render_issue(out: Path = OUT_DIR):
    a1, cut = front_page()
    a4 = inside_page(cut)
    write_page(a1, out, "a1", seed=21, scan=False)
    write_page(a4, out, "a4", seed=24, scan=False)
    (out / "issue.gt.txt").write_text(joined_story(), encoding="utf-8")
    text = "\n\n".join(p.text for p in LEAD.paras if p.role == "body")
    print(
        f"issue-en: a1 {len(a1.blocks)} blocks, a4 {len(a4.blocks)} blocks; "
        f"cut after {text[:cut].split()[-1]!r}, before {text[cut + 1 :].split()[0]!r}"
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", type=Path, default=OUT_DIR, help="output folder (default: samples/issue-en)")
    render_issue(ap.parse_args(argv).out)


if __name__ == "__main__":
    main()
