"""A debugging picture of what layout saw: block boxes coloured by role, article outlines, and arrows from
each block to the next in reading order, drawn over the source image. People would rather look than read."""

from __future__ import annotations

import cv2
import numpy as np

from ..model import Page, Role

ROLE_COLOURS = {  # BGR
    Role.HEADLINE: (0, 0, 220),
    Role.KICKER: (0, 140, 255),
    Role.SUBTITLE: (0, 200, 200),
    Role.BYLINE: (160, 0, 160),
    Role.BODY: (200, 90, 0),
    Role.INTERTITLE: (0, 160, 0),
    Role.CAPTION: (140, 140, 0),
    Role.PHOTO: (90, 90, 90),
    Role.CONTINUATION: (0, 0, 120),
    Role.PAGE_HEADER: (200, 0, 200),
    Role.PAGE_FOOTER: (200, 0, 200),
    Role.ADVERTISEMENT: (60, 60, 60),
}
ARTICLE_COLOUR = (40, 170, 40)
ARROW_COLOUR = (0, 0, 255)
# The overlay's longer side: large enough to read a block's label and see which lines it holds on a 1,000 px
# web page as on a 9,000 px leaf (a fixed quarter scale made a 1,100 px page 274 px wide: unreadable).
OVERLAY_LONG_SIDE_PX = 2000


def page_overlay(page: Page, source: np.ndarray, scale: float | None = None) -> bytes:
    """PNG bytes of the overlay; ``source`` is the page's source image (grayscale), boxes are source pixels.
    ``scale`` defaults to what brings the longer side to at most OVERLAY_LONG_SIDE_PX (never enlarged)."""
    if scale is None:
        scale = min(1.0, OVERLAY_LONG_SIDE_PX / max(source.shape[:2]))
    label = 0.5 / scale  # label height stays about the same in the written picture, whatever the scale
    canvas = cv2.cvtColor(source, cv2.COLOR_GRAY2BGR) if source.ndim == 2 else source.copy()
    canvas = cv2.addWeighted(canvas, 0.55, np.full_like(canvas, 255), 0.45, 0)
    thick = max(2, int(page.text_size_px / 8)) if page.text_size_px else 3
    for article in page.articles:
        if article.blocks:
            x0, y0, x1, y1 = article.box
            pad = thick * 3
            cv2.rectangle(canvas, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), ARTICLE_COLOUR, thick * 2)
            cv2.putText(
                canvas,
                article.id,
                (x0 - pad, max(0, y0 - pad - 6)),
                cv2.FONT_HERSHEY_SIMPLEX,
                1.4 * label,
                ARTICLE_COLOUR,
                max(1, round(2 * label)),
            )
    for sep in page.separators:
        cv2.rectangle(canvas, sep.box[:2], sep.box[2:], (0, 200, 255), thick)
    ordered = sorted((b for b in page.blocks if b.order >= 0), key=lambda b: b.order)
    for block in page.blocks:
        cv2.rectangle(canvas, block.box[:2], block.box[2:], ROLE_COLOURS.get(block.role, (0, 0, 0)), thick)
        cv2.putText(
            canvas,
            f"{block.order} {block.role.value}",
            (block.box[0] + 4, block.box[1] + round(30 * label)),
            cv2.FONT_HERSHEY_SIMPLEX,
            label,
            ROLE_COLOURS.get(block.role, (0, 0, 0)),
            max(1, round(1.5 * label)),
        )
    for a, b in zip(ordered, ordered[1:]):
        if a.article_id is not None and a.article_id == b.article_id:
            start = ((a.box[0] + a.box[2]) // 2, (a.box[1] + a.box[3]) // 2)
            end = ((b.box[0] + b.box[2]) // 2, (b.box[1] + b.box[3]) // 2)
            cv2.arrowedLine(canvas, start, end, ARROW_COLOUR, thick, tipLength=0.03)
    small = cv2.resize(canvas, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, png = cv2.imencode(".png", small, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        raise RuntimeError("could not encode the overlay PNG")
    return png.tobytes()
