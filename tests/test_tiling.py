"""Line boxes from tiled detection (digitize/ocr/tiling.py): pieces of one line cut by a tile edge are joined,
and nothing else is."""

from digitize.ocr.tiling import join_cut_pieces


def test_pieces_of_a_line_cut_by_a_tile_edge_are_joined():
    """
    ┌──────────┬┬─────────┐     one line, cut where two tiles overlap
    └──────────┴┴─────────┘
    """
    assert join_cut_pieces([(0, 0, 510, 30), (490, 1, 1000, 31)]) == [(0, 0, 1000, 31)]


def test_a_piece_seen_whole_in_another_tile_goes():
    assert join_cut_pieces([(0, 0, 1000, 30), (600, 2, 900, 28)]) == [(0, 0, 1000, 30)]


def test_a_tall_texture_box_does_not_take_in_the_lines_beside_it():
    """
    ══════════╗┌──────────┐
    ══════════╣│  photo   │   body lines that touch a photo's "line" box (its texture, read as one tall box)
    ══════════╣│ texture  │   keep their own boxes: pieces of one line are of one height
    ══════════╝└──────────┘
    """
    lines = [(0, y, 505, y + 30) for y in range(0, 400, 40)]
    texture = (500, 0, 1000, 400)
    assert sorted(join_cut_pieces([*lines, texture])) == sorted([*lines, texture])
