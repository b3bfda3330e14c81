"""The debug overlay is a picture to look at: small pages keep their size, huge leaves shrink to a screen."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitize.export.overlay import OVERLAY_LONG_SIDE_PX, page_overlay
from digitize.model import Page, PageSource


@pytest.mark.parametrize(
    ("height", "width", "expected"),
    [
        (1633, 1094, (1633, 1094)),  # a 170 dpi page: as it is (a quarter scale made it 408 × 274, unreadable)
        (9010, 6188, (OVERLAY_LONG_SIDE_PX, round(6188 * OVERLAY_LONG_SIDE_PX / 9010))),  # a 600 dpi leaf
    ],
)
def test_overlay_keeps_a_small_page_and_shrinks_a_large_one(height, width, expected):
    source = np.full((height, width), 255, np.uint8)
    page = Page(number=1, width=width, height=height, source=PageSource("p.png", 0, "image", ""))
    picture = cv2.imdecode(np.frombuffer(page_overlay(page, source), np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape[:2] == expected
