"""The tone effect three ways from the coders' sheets: gold codes, probabilities, estimates."""

import json

import numpy as np
import pandas as pd
import pytest

from kommunsocial.engagement import measurement


def _posts(n=6):
    return pd.DataFrame({"post_id": [str(i) for i in range(n)], "page_id": "p",
                         "created_at": pd.Timestamp("2024-01-05", tz="UTC"), "post_type": "photo",
                         "text": ["Hej alla"] * (n - 1) + [""]})


def _coded(rows):
    return pd.DataFrame(rows, columns=["post_id", "coder", "tone"]).assign(formality=pd.NA)


def test_gold_is_the_majority_and_a_tie_goes_to_the_first_coder():
    coded = _coded([("0", "b", "formal"), ("0", "a", "conversational"),  # tie: a's code
                    ("1", "a", "formal"), ("1", "b", "formal"), ("1", "c", "conversational")])
    got = measurement.coded_tone(_posts(), coded)
    assert got.gold["0"] == "conversational" and got.gold["1"] == "formal"
    assert got.gold.isna().sum() == 4 and got.n_coded == 2
    assert any("1 coded post has a tie" in n for n in got.notes)


def test_without_a_design_file_the_coded_posts_are_a_simple_random_sample_of_posts_with_words():
    coded = _coded([("0", "a", "formal"), ("1", "a", "formal")])
    got = measurement.coded_tone(_posts(), coded)
    # 2 coded of the 5 posts with words; the post without words could never be drawn
    assert got.probability.tolist() == pytest.approx([0.4] * 5 + [0.0])
    assert any("simple random sample of the 5 posts" in n for n in got.notes)


def test_a_design_file_gives_the_draws_probabilities(tmp_path):
    from kommunsocial.tone import coding

    posts = _posts(6).assign(page_id=["p", "p", "p", "p", "q", "q"], text=["Hej och välkomna"] * 5 + [""])
    sheet = coding.sample_for_coding(posts, 3, seed=1, path=tmp_path / "coder_a.csv")
    coded = _coded([(pid, "a", "formal") for pid in sheet["id"]])
    got = measurement.coded_tone(posts, coded, coding_dir=tmp_path)
    assert got.probability.round(3).tolist() == [0.5, 0.5, 0.5, 0.5, 1.0, 0.0]  # n_h / N_h (the design's doctest)
    assert any("design of coder_a.csv" in n for n in got.notes)


def test_no_coded_posts_says_so_and_the_estimates_say_which_to_report():
    got = measurement.coded_tone(_posts(), _coded([]))
    assert got.n_coded == 0 and "No coded posts" in got.notes[0]


def _simulated(n=1200, pages=8, seed=3):
    rng = np.random.default_rng(seed)
    page = rng.integers(0, pages, n)
    truth = rng.random(n) < 0.5
    mu = np.exp(0.5 + 0.1 * page + np.log(1.5) * truth)
    comments = rng.poisson(mu)
    flip = rng.random(n) < 0.15
    tone = np.where(truth ^ flip, "conversational", "formal")
    return pd.DataFrame({"post_id": [str(i) for i in range(n)], "page_id": [f"p{k}" for k in page],
                         "comments": comments, "tone": tone, "followers": 1000.0,
                         "_truth": np.where(truth, "conversational", "formal")})


def test_with_every_post_coded_right_the_correction_is_the_fit_on_the_true_tone():
    from kommunsocial.engagement import fit, irr_table

    m = _simulated()
    coded = measurement.CodedTone(m.set_index("post_id")["_truth"].astype("string"),
                                  pd.Series(1.0, index=m["post_id"]), [])
    formula = "comments ~ C(tone, Treatment('formal')) + C(page_id)"
    table, which = measurement.tone_estimates(m, formula, coded, family="poisson", exposure=None)
    truth = irr_table(fit(m.assign(tone=m["_truth"]), formula=formula, family="poisson"))
    expected = truth.loc[truth["term"].str.contains("conversational"), "irr"].iloc[0]
    assert table.loc["adjusted and corrected", "irr"] == pytest.approx(expected, rel=1e-6)
    assert table.loc["adjusted and corrected", "coded posts"] == len(m)
    # measured with 15 % errors the adjusted estimate is pulled towards 1
    assert table.loc["adjusted", "irr"] < table.loc["adjusted and corrected", "irr"]
    assert which.startswith("**Report the adjusted and corrected estimate**")


def test_without_codes_the_adjusted_estimate_is_reported_with_its_caveat():
    m = _simulated(n=400)
    coded = measurement.CodedTone(pd.Series(pd.NA, index=m["post_id"], dtype="string"),
                                  pd.Series(0.0, index=m["post_id"]), [])
    table, which = measurement.tone_estimates(m, "comments ~ C(tone, Treatment('formal')) + C(page_id)", coded,
                                              family="poisson", exposure=None)
    assert np.isnan(table.loc["adjusted and corrected", "irr"]) and table.loc["adjusted and corrected", "note"]
    assert which.startswith("**Report the adjusted estimate**") and "pull it towards 1" in which


def test_the_recovery_check_runs_on_whole_pages_up_to_a_cap():
    m = _simulated(n=1200, pages=8)
    truth = m.set_index("post_id")["_truth"].astype("string")
    coded = measurement.CodedTone(truth.where(np.arange(len(m)) % 4 == 0), pd.Series(0.25, index=m["post_id"]), [])
    table, notes = measurement.recovery(m, "comments ~ C(tone, Treatment('formal')) + C(page_id)", coded, n_sim=5,
                                        family="poisson", exposure=None, max_posts=500)
    assert any(n.startswith("The check ran on") and "of the 8 pages" in n for n in notes)
    assert list(table.index) == ["naive", "adjusted", "adjusted and corrected"]
    assert (table["replications"] <= 5).all() and "95 % intervals covering it" in table


def test_an_interval_too_wide_to_say_anything_is_not_reported():
    table = pd.DataFrame({"irr": [1.5, 0.5, np.nan], "ci_low": [0.6, 0.0001, np.nan], "ci_high": [3.4, 1894.0, np.nan],
                          "posts": [636, 636, pd.NA], "coded posts": [0, 0, pd.NA], "note": ["", "", "no coded posts"]},
                         index=list(measurement.ESTIMATES))
    assert measurement._which(table).startswith("**No tone effect to report**: the adjusted estimate's 95 % interval")


def test_a_correction_too_uncertain_falls_back_to_the_adjusted_estimate_with_its_caveat():
    table = pd.DataFrame({"irr": [1.0, 1.16, 0.78], "ci_low": [0.85, 1.05, 0.0], "ci_high": [1.16, 1.29, np.inf],
                          "posts": [3255, 3255, 2413], "coded posts": [0, 0, 200], "note": ""},
                         index=list(measurement.ESTIMATES))
    which = measurement._which(table)
    assert which.startswith("**Report the adjusted estimate** (IRR 1.16") and "with 200 coded posts" in which
