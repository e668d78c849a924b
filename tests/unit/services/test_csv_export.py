"""Cells a spreadsheet would run as a formula are written as text."""

import pytest

from immigration_app.services.csv_export import csv_chunks, spreadsheet_safe


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("x","y")']
)
def test_a_cell_starting_like_a_formula_gets_a_quote(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ana", "", "3 days overdue", "2026-0001", "A 1=1", "'quoted"])
def test_other_cells_are_left_as_they_are(cell):
    assert spreadsheet_safe(cell) == cell


def test_chunks_carry_the_header_once_and_every_batch():
    chunks = list(csv_chunks(("A", "B"), [[("=x", None)], [("y", 2)]]))
    assert "".join(chunks) == "A,B\r\n'=x,\r\ny,2\r\n"
    assert list(csv_chunks(("A",), [])) == ["A\r\n"]
