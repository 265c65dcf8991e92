"""Calibration of the formality index against people, and the mixed band: values computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunsocial.tone import calibration, summaries


def test_bands_edges_and_missing():
    got = calibration.bands(pd.Series([0.0, 34.99, 35.0, 64.99, 65.0, 100.0, np.nan]), mixed=(35, 65))
    assert got.tolist()[:6] == ["conversational", "conversational", "mixed", "mixed", "formal", "formal"]
    assert got.isna().tolist()[-1]


@pytest.mark.parametrize("bad", [(70, 30), (-1, 50), (50,), "wide"])
def test_bands_refuse_a_band_that_is_not_one(bad):
    with pytest.raises(ValueError, match="mixed="):
        calibration.bands([50.0], mixed=bad)


def test_wilson_interval_by_hand():
    # p = 0.8, n = 10, z² = 3.8415: centre (0.8 + 0.19207) / 1.38415 = 0.71682,
    # half 1.96 · sqrt(0.016 + 0.0096037) / 1.38415 = 0.22658
    lo, hi = calibration.wilson(8, 10)
    assert lo == pytest.approx(0.49024, abs=2e-4)
    assert hi == pytest.approx(0.94341, abs=2e-4)
    lo0, hi0 = calibration.wilson(0, 5)
    assert lo0 == pytest.approx(0.0, abs=1e-12) and hi0 == pytest.approx(0.43448, abs=2e-4)  # 3.8415 / 8.8415


def test_calibration_table_counts_and_shares():
    f = pd.Series([5.0, 15.0, 45.0, 55.0, 95.0, 100.0, 30.0], index=list("abcdefg"))
    gold = pd.Series(["conversational", "formal", "conversational", "formal", "formal", "formal", None],
                     index=list("abcdefg"))
    table = calibration.calibration(f, gold, edges=(0, 20, 50, 100))
    assert table.index.tolist() == ["0–20", "20–50", "50–100"]
    assert table["posts"].tolist() == [2, 1, 3]  # g has no code; 100 belongs to the last band
    assert table["share_formal"].tolist() == [0.5, 0.0, 1.0]
    assert table.loc["50–100", "mean_index"] == pytest.approx((55 + 95 + 100) / 3)


def test_calibration_aligns_series_on_their_index():
    f = pd.Series([90.0, 10.0], index=["x", "y"])
    gold = pd.Series(["conversational", "formal"], index=["y", "x"])  # x formal, y conversational
    table = calibration.calibration(f, gold, edges=(0, 50, 100))
    assert table["share_formal"].tolist() == [0.0, 1.0]


@pytest.mark.parametrize("a,b", [(0.0, 1.0), (0.5, 2.0), (-1.0, 0.5)])
def test_fit_calibration_recovers_a_known_curve(a, b):
    rng = np.random.default_rng(7)
    f = rng.uniform(0.5, 99.5, 20000)
    x = np.log(f / (100 - f))
    p = 1 / (1 + np.exp(-(a + b * x)))
    gold = np.where(rng.uniform(size=len(f)) < p, "formal", "conversational")
    fit = calibration.fit_calibration(f, gold)
    assert fit["n"] == 20000
    assert fit["a"] == pytest.approx(a, abs=0.08) and fit["b"] == pytest.approx(b, abs=0.05)


def test_fit_calibration_refuses_separated_or_tiny_samples():
    f = np.arange(10, 100, 5.0)
    gold = np.where(f >= 50, "formal", "conversational")
    with pytest.raises(ValueError, match="separates"):
        calibration.fit_calibration(f, gold)
    with pytest.raises(ValueError, match="at least 10"):
        calibration.fit_calibration([10.0, 90.0], ["conversational", "formal"])


def test_mixed_band_by_hand():
    # b = 2, a = 0: P = 0.2 at x = logit(0.2) / 2 = -0.6931, index 100 σ(-0.6931) = 33.3
    assert calibration.mixed_band({"a": 0.0, "b": 2.0}, low=0.2, high=0.8) == (33.3, 66.7)
    # a = 1 shifts the band down: x = (±1.3863 - 1) / 1 → index 100 σ(-2.3863) = 8.4, σ(0.3863) = 59.5
    assert calibration.mixed_band({"a": 1.0, "b": 1.0}, low=0.2, high=0.8) == (8.4, 59.5)
    # the default: a third to two thirds; b = 2: x = ∓0.6931 / 2 → 100 σ(∓0.3466) = 41.4, 58.6
    assert calibration.mixed_band({"a": 0.0, "b": 2.0}) == (41.4, 58.6)
    with pytest.raises(ValueError, match="slope"):
        calibration.mixed_band({"a": 0.0, "b": -0.5})


def test_default_band_is_a_band():
    lo, hi = calibration.DEFAULT_MIXED
    assert 0 < lo < 50 < hi < 100


def _coded(codes: dict) -> pd.DataFrame:
    rows = [{"post_id": pid, "coder": coder, "tone": tone, "formality": pd.NA}
            for pid, by in codes.items() for coder, tone in by.items()]
    return pd.DataFrame(rows)


def test_calibration_against_coders_uses_the_majority_and_skips_ties():
    posts = pd.DataFrame({"post_id": ["1", "2", "3", "4"], "formality": [10.0, 90.0, 80.0, 20.0]})
    coded = _coded({"1": {"a": "conversational", "b": "conversational"},
                    "2": {"a": "formal", "b": "formal"},
                    "3": {"a": "formal", "b": "conversational"},  # a tie: left out
                    "4": {"a": "formal", "b": "formal", "c": "conversational"}})
    table = summaries.calibration_against_coders(posts, coded, edges=(0, 50, 100))
    assert table["posts"].tolist() == [2, 1]
    assert table["share_formal"].tolist() == [0.5, 1.0]
    assert summaries.calibration_against_coders(posts, coded.iloc[:0]).empty


def test_band_shares_per_page():
    posts = pd.DataFrame({"page": ["A", "A", "B", "B", "B", "C"],
                          "formality": [10.0, 50.0, 70.0, 80.0, 20.0, np.nan]})
    table = summaries.band_shares(posts, mixed=(35, 65))
    assert table.index.tolist() == ["A", "B"]  # C has no scored post
    assert table.loc["A"].tolist() == [2, 50.0, 50.0, 0.0]
    assert table.loc["B"].tolist() == [3, 33.3, 0.0, 66.7]


def test_calibration_note_says_why_without_codes():
    posts = pd.DataFrame({"post_id": ["1"], "formality": [10.0]})
    note = summaries.calibration_note(posts, _coded({}).reindex(columns=["post_id", "coder", "tone", "formality"]))
    assert "40–71" in note and "No coded posts" in note
