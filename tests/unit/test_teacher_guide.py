"""The teacher guide and the teacher's notes quote only figures that cannot drift from what the notebooks print.

Figures measured on the sample change whenever it is regenerated, so the guide describes them in words;
the figures it does quote are the planted effects (read from the sample's ``planted.json``) and the
worked answer's agreement, which follows from the two lists of codes in the teacher's notebook alone.
Each is computed here and compared with the text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.report import seminar

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "teacher-guide.md"
TEACHER = ROOT / "notebooks" / "seminar" / "does-tone-matter-teacher.ipynb"
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.]*\d)")


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


def _worked_codes() -> dict:
    nb = nbformat.read(TEACHER, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("my_codes = "))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body}


@pytest.fixture(scope="module")
def figures():
    """Every figure the guide and the teacher's notes may quote, as they write it."""
    codes = _worked_codes()
    sheet = pd.DataFrame({"id": [f"p{i}" for i in range(len(codes["my_codes"]))]})
    coded = seminar.coding_table(sheet, {"me": codes["my_codes"], "partner": codes["partner_codes"]})
    row = seminar.pairwise_agreement(coded, n_boot=0).iloc[0]
    me = pd.Series(codes["my_codes"]).eq("formal").mean()
    partner = pd.Series(codes["partner_codes"]).eq("formal").mean()
    chance = me * partner + (1 - me) * (1 - partner)
    planted = ks.sample.planted_tone_irr("sample")
    return {"agreement": row["percent_agreement"], "kappa": row["cohen_kappa"], "chance": chance, "me": me,
            "partner": partner, "planted": planted}


def test_worked_agreement_quoted_as_computed(figures):
    f = figures
    by_hand = (f"pₑ = {f['me']:.1f}·{f['partner']:.1f} + {1 - f['me']:.1f}·{1 - f['partner']:.1f} = "
               f"{f['chance']:.2f}")
    assert f["kappa"] == pytest.approx((f["agreement"] - f["chance"]) / (1 - f["chance"]))
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert f"percent agreement {f['agreement']:.2f}, κ = {f['kappa']:.2f}" in guide
    assert by_hand in guide
    notes = " ".join(c.source for c in nbformat.read(TEACHER, as_version=4).cells if c.cell_type == "markdown")
    assert f"percent agreement {f['agreement']:.2f}, κ = {f['kappa']:.2f}" in notes and by_hand in notes


def test_planted_effects_quoted_as_generated(figures):
    planted = figures["planted"]
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    m = re.search(r"planted IRR of a conversational post is (\S+) for comments, (\S+) for reactions and (\S+) "
                  r"for shares", guide)
    assert m, "the guide states the planted IRRs"
    assert [float(x) for x in m.groups()] == [planted["comments"], planted["reactions"], planted["shares"]]


def test_no_other_figure_is_quoted(figures):
    """A sample figure (an IRR, a rate, hours) in the guide's seminar sections or the teacher's notes fails here."""
    f = figures
    allowed = {f"{v:.{d}f}" for v in (f["agreement"], f["kappa"], f["chance"], f["me"], f["partner"],
                                      1 - f["me"], 1 - f["partner"]) for d in (1, 2)}
    allowed |= {f"{v:g}" for v in f["planted"].values()}
    guide = GUIDE.read_text(encoding="utf-8")
    texts = {"guide": _section(guide, "## What the class will see", "## Common problems")}
    nb = nbformat.read(TEACHER, as_version=4)
    texts["teacher's notes"] = "\n".join(c.source for c in nb.cells
                                        if c.cell_type == "markdown" and "**Teacher's notes.**" in c.source)
    for where, text in texts.items():
        quoted = set(DECIMAL.findall(text))
        assert quoted, where  # the check reads numbers at all
        assert quoted <= allowed, f"{where} quotes {sorted(quoted - allowed)}: describe it in words"


def test_the_figure_check_can_fail():
    assert DECIMAL.findall("naive 1.00 (95 % CI 0.85–1.16), 29 % in 30.0 hours, v0.1.0") == ["1.00", "0.85",
                                                                                           "1.16", "30.0"]
