"""The sheet within the picture (digitize/page_frame.py) on drawn scenes: one behaviour per test, the scene
drawn in its docstring, no OCR.

Scenes: ``#`` dark frame or table, ``.`` paper, ``x`` rows of letter-sized marks (text), ``|`` a dark gutter.
Paper is grey 235, the frame 30; letters are 8×12 px marks of grey 20 in rows.
"""

from __future__ import annotations

import json

import cv2
import numpy as np

from digitize import page_frame
from digitize.export.json import page_json
from digitize.model import Page, PageSource, Transform
from digitize.read.json import read_json

PAPER, FRAME, INK = 235, 30, 20


def letters(img: np.ndarray, box: tuple[int, int, int, int], step: tuple[int, int] = (14, 22)) -> None:
    """Rows of 8×12 px marks filling ``box`` (x0, y0, x1, y1): text, as far as the frame finder can tell."""
    x0, y0, x1, y1 = box
    for y in range(y0, y1 - 12, step[1]):
        for x in range(x0, x1 - 8, step[0]):
            img[y : y + 12, x : x + 8] = INK


def bordered(top: int, bottom: int, left: int, right: int, w: int = 800, h: int = 1100) -> np.ndarray:
    """A text page of w×h with a dark frame of the given widths around it."""
    sheet = np.full((h, w), PAPER, np.uint8)
    letters(sheet, (60, 60, w - 60, h - 60))
    return cv2.copyMakeBorder(sheet, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(FRAME,))


def source_point(back: np.ndarray, x: float, y: float) -> tuple[float, float]:
    p = back @ np.array([x, y, 1.0])
    return p[0] / p[2], p[1] / p[2]


def test_a_page_without_frame_is_left_alone():
    """Paper to every edge: nothing cut, the same image back.
    ........
    .xxxxxx.
    .xxxxxx.
    ........
    """
    sheet = bordered(0, 0, 0, 0)
    out, back, kind = page_frame.cut_to_paper(sheet)
    assert kind == "" and out is sheet and np.allclose(back, np.eye(3))


def test_a_dark_scanner_border_is_cropped_off():
    """An uneven lid border (40 px top, 12 bottom, 60 left, 25 right): cropped to the sheet, a few px inside.
    ##########
    ##......##
    ##.xxxx.##
    ##......##
    ##########
    """
    image = bordered(40, 12, 60, 25)
    out, back, kind = page_frame.cut_to_paper(image)
    assert kind == "crop"
    x0, y0 = source_point(back, 0, 0)
    x1, y1 = source_point(back, out.shape[1], out.shape[0])
    assert 60 <= x0 <= 60 + 12 and 40 <= y0 <= 40 + 12  # inside the sheet, within its 60 px margin
    assert 60 + 800 - 12 <= x1 <= 60 + 800 and 40 + 1100 - 12 <= y1 <= 40 + 1100
    edges = [out[:3], out[-3:], out[:, :3], out[:, -3:]]
    assert all(e.mean() > 200 for e in edges)  # no frame left along any edge


def test_a_skewed_sheet_in_a_border_is_cropped_and_its_corners_painted_paper():
    """A sheet turned 2° inside the lid's dark frame: the crop's corners outside the sheet are paper, not frame.
    #########
    #  ...../#
    # /.xx. #
    #/..... #
    #########
    """
    sheet = bordered(0, 0, 0, 0)
    m = cv2.getRotationMatrix2D((400, 550), 2.0, 1.0)
    m[:, 2] += 50
    image = cv2.warpAffine(sheet, m, (900, 1200), borderValue=(FRAME,))
    out, _back, kind = page_frame.cut_to_paper(image)
    assert kind == "crop"
    corners = [out[:6, :6], out[:6, -6:], out[-6:, :6], out[-6:, -6:]]
    assert all(c.mean() > 200 for c in corners)


def test_a_camera_photo_is_warped_flat_and_maps_back():
    """A sheet photographed at an angle on a dark table (corners pulled in by 2-8 %): warped into a rectangle,
    and a point of the flat page maps back to where it is in the photo.
    ###########
    ##  ....  #
    #  ......##
    # .xxxxxx.#
    #.........#
    ###########
    """
    sheet = bordered(0, 0, 0, 0)
    sheet[500:520, 300:340] = 0  # a mark to find again
    src = np.float32([[0, 0], [800, 0], [800, 1100], [0, 1100]])
    quad = np.float32([[130, 90], [840, 120], [880, 1180], [80, 1150]])
    h = cv2.getPerspectiveTransform(src, quad)
    photo = cv2.warpPerspective(sheet, h, (960, 1260), borderValue=(60,))
    out, back, kind = page_frame.cut_to_paper(photo)
    assert kind == "perspective" and back.shape == (3, 3)
    # the mark's centre in the photo, and where the flat page has it
    ys, xs = np.nonzero(out < 10)
    fx, fy = xs.mean(), ys.mean()
    px, py = source_point(back, fx, fy)
    expected = h @ np.array([320, 510, 1.0])
    assert abs(px - expected[0] / expected[2]) < 3 and abs(py - expected[1] / expected[2]) < 3
    # flat: the mark is an upright rectangle again, about its size
    assert 30 <= xs.max() - xs.min() <= 50 and 14 <= ys.max() - ys.min() <= 26


def test_text_beyond_the_sheet_is_never_cut():
    """A spread: the sheet, a dark gutter, and a strip of the next page with text on it. The strip's text keeps
    the cut from crossing it (only the frame on the left and top goes).
    ###############
    #........| xx.
    #.xxxxxx.| xx.
    #........| xx.
    """
    image = bordered(30, 0, 40, 0)
    strip = np.full((image.shape[0], 90), PAPER, np.uint8)
    letters(strip, (12, 60, 80, image.shape[0] - 60))
    gutter = np.full((image.shape[0], 30), FRAME, np.uint8)
    image = np.hstack([image, gutter, strip])
    out, back, kind = page_frame.cut_to_paper(image)
    x1, _ = source_point(back, out.shape[1], 0)
    last_letter = image.shape[1] - 90 + 68 + 8  # the strip's rightmost mark ends here
    assert kind == "crop" and x1 >= last_letter  # the strip's letters are all still there
    x0, y0 = source_point(back, 0, 0)
    assert x0 >= 40 and y0 >= 30  # the frame on the left and top is gone


def test_a_projective_transform_maps_boxes_and_survives_json():
    """A 3×3 transform (a page warped flat) maps a box to the bounding box of its corners in the photo, and the
    JSON dump reads back with the same matrix."""
    src = np.float32([[0, 0], [100, 0], [100, 100], [0, 100]])
    quad = np.float32([[10, 10], [110, 20], [120, 130], [0, 110]])
    back = cv2.getPerspectiveTransform(src, quad).astype(float)
    t = Transform(matrix=back, frame="perspective")
    assert t.map_box((0, 0, 100, 100), 200, 200) == (0, 10, 120, 130)
    page = Page(number=1, width=200, height=200, source=PageSource("p.png", 0, "image", ""), transform=t)
    page.in_source_coordinates = True
    dump = page_json(page)
    again = read_json(dump.encode("utf-8"), "p.json").pages[0]
    assert np.allclose(again.transform.matrix, back) and again.transform.frame == "perspective"
    assert json.loads(dump)["page"]["transform"]["frame"] == "perspective"
