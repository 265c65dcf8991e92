"""The coding sample's inclusion probabilities, the DSL-corrected tone effect and the recovery check.

Values are worked out by hand on tiny data, or are the package's own fit on the gold tone, which the
corrected fit must equal when every post is coded.
"""

import numpy as np
import pandas as pd
import pytest

from kommunsocial import engagement
from kommunsocial.engagement import ModelError, NotEstimable, UnsupportedModel
from kommunsocial.tone import coding

TONE = "C(tone, Treatment('formal'))"
TERM = f"{TONE}[T.conversational]"


# -- inclusion probabilities -------------------------------------------------------------------
def coding_posts():
    """Page p: 4 posts with words, one without; page q: 2 posts with words."""
    return pd.DataFrame({"post_id": ["a", "b", "c", "d", "e", "f", "g"],
                         "page_id": ["p", "p", "p", "p", "p", "q", "q"],
                         "created_at": pd.Timestamp("2024-01-05", tz="UTC"), "post_type": "photo",
                         "text": ["Hej alla", "Välkomna hit", "Snö idag", "Vi ses", "", "Öppet hus", "Ny skola"]})


def test_inclusion_probabilities_are_each_strata_share_and_zero_below_min_words():
    # 6 eligible posts, n = 3: p gets 3·4/6 = 2 of its 4, q 3·2/6 = 1 of its 2; e has no words
    p = coding.inclusion_probabilities(coding_posts(), 3)
    assert p.to_dict() == {"a": 0.5, "b": 0.5, "c": 0.5, "d": 0.5, "e": 0.0, "f": 0.5, "g": 0.5}
    assert p.name == "p_coded" and p.index.name == "post_id"
    # the probabilities of the sample's posts sum to the sample's size
    assert p.sum() == pytest.approx(3)
    # the seed chose the posts, not their chances
    assert coding.inclusion_probabilities(coding_posts(), 3, seed=9).equals(p)


def test_inclusion_probabilities_are_the_frequencies_of_the_draw():
    # largest remainder: n = 4 of 6 eligible → p: 4·4/6 = 2.67 → 3 of 4, q: 1.33 → 1 of 2
    p = coding.inclusion_probabilities(coding_posts(), 4)
    assert p[["a", "f"]].tolist() == [0.75, 0.5]
    drawn = pd.Series(0.0, index=p.index)
    for seed in range(200):
        drawn[coding.sample_for_coding(coding_posts(), 4, seed=seed)["id"]] += 1
    np.testing.assert_allclose(drawn / 200, p, atol=0.1)
    assert drawn["e"] == 0


def test_a_written_sheet_keeps_its_design_and_its_probabilities_are_recomputed(tmp_path):
    posts = coding_posts()
    sheet = coding.sample_for_coding(posts, 3, seed=4, path=tmp_path / "sheet.csv")
    design = coding.read_design(tmp_path / "sheet.csv")
    assert design == {"n": 3, "seed": 4, "strata": ("page_id", "period", "post_type"), "period": "quarter",
                      "min_words": 1, "n_eligible": 6, "n_sampled": 3}
    p = coding.design_probabilities(posts, tmp_path / "sheet.csv")
    assert p.equals(coding.inclusion_probabilities(posts, 3))
    assert (p[sheet["id"]] > 0).all()
    # the design file is not read as a coder's sheet
    assert coding.read_coding_dir(tmp_path).empty
    with pytest.raises(coding.CodingError, match="drawn from 6 posts.*these posts have 5"):
        coding.design_probabilities(posts.iloc[1:], tmp_path / "sheet.csv")
    with pytest.raises(coding.CodingError, match="other.design.json: no design file"):
        coding.read_design(tmp_path / "other.xlsx")


# -- the corrected fit by hand -------------------------------------------------------------------
def tiny():
    """Eight posts; posts 0, 2, 4, 7 coded with probability ½ (weights: predicted −1, gold 2)."""
    return pd.DataFrame({"post_id": [f"t{i}" for i in range(8)], "comments": [2, 4, 1, 3, 5, 0, 6, 2],
                         "tone": ["conversational", "conversational", "formal", "formal", "conversational",
                                  "formal", "conversational", "formal"],
                         "gold_tone": pd.array(["formal", None, "conversational", None, "conversational", None,
                                                None, "formal"], dtype="string"),
                         "p_coded": 0.5})


def test_corrected_ratio_of_means_worked_by_hand():
    # With one binary regressor the moments are weighted sums of y − μ in each tone:
    # conversational rows (weight, y): (−1, 2) (1, 4) (−1, 5) (1, 6) and gold (2, 1) (2, 5): μ = 15 / 4
    # formal rows: (−1, 1) (1, 3) (1, 0) (−1, 2) and gold (2, 2) (2, 2): μ = 8 / 4
    result = engagement.corrected_fit(tiny(), f"comments ~ {TONE}", family="poisson", cluster=None)
    assert np.exp(result.params[TERM]) == pytest.approx(3.75 / 2, abs=1e-12)
    assert np.exp(result.params["Intercept"]) == pytest.approx(2.0, abs=1e-12)
    # the sandwich from first principles: stacked rows z = (1, tone), weights w, per-post sums of w (y − μ) z
    post = np.array([0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 4, 7])
    conv = np.array([1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0])
    w = np.array([-1, 1, -1, 1, -1, 1, 1, -1, 2, 2, 2, 2], dtype=float)
    y = np.array([2, 4, 1, 3, 5, 0, 6, 2], dtype=float)[post]
    z = np.column_stack([np.ones(12), conv])
    mu = np.where(conv == 1, 3.75, 2.0)
    J = (z * (w * mu)[:, None]).T @ z
    U = np.stack([np.bincount(post, weights=w * (y - mu) * z[:, j]) for j in range(2)], axis=1)
    inv = np.linalg.inv(J)
    cov = inv @ U.T @ U @ inv
    assert result.bse[TERM] == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-10)
    assert result.kommunsocial["n_coded"] == 4 and result.kommunsocial["estimator"] == "dsl"


def simulated(n=400, pages=10, flip=0.2, n_coded=200, irr=1.5, alpha=0.5, seed=0):
    """NB2 comments with page effects, a topic, followers as exposure; the tone measured with ``flip`` errors."""
    rng = np.random.default_rng(seed)
    page = rng.integers(0, pages, n)
    topic = rng.choice(["a", "b", "c"], n)
    conv = rng.random(n) < 0.4
    followers = rng.integers(1000, 20000, n).astype(float)
    mu = np.exp(np.log(followers / 1000) + rng.normal(0, 0.5, pages)[page] + np.log(irr) * conv + 0.3 * (topic == "b"))
    y = rng.poisson(rng.gamma(1 / alpha, mu * alpha))
    pred = np.where(rng.random(n) < flip, ~conv, conv)
    data = pd.DataFrame({"post_id": [f"x{i}" for i in range(n)], "comments": y,
                         "page_id": [f"p{i:02d}" for i in page], "topic": topic, "followers": followers,
                         "tone": np.where(pred, "conversational", "formal"),
                         "true_tone": np.where(conv, "conversational", "formal")})
    coded = rng.choice(n, n_coded, replace=False)
    data["gold_tone"] = data["true_tone"].where(data.index.isin(coded)).astype("string")
    data["p_coded"] = n_coded / n
    return data


FORMULA = f"comments ~ {TONE} + C(topic) + C(page_id)"


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_every_post_coded_with_probability_one_is_the_fit_on_the_gold_tone(family):
    data = simulated().pipe(lambda d: d.assign(gold_tone=d["true_tone"], p_coded=1.0))
    gold = engagement.fit(data.assign(tone=data["true_tone"]), formula=FORMULA, family=family, exposure="followers")
    alpha = gold.alpha if family == "negbin" else None
    result = engagement.corrected_fit(data, FORMULA, family=family, exposure="followers", alpha=alpha)
    shown = [name for name in gold.params.index if name != "alpha"]
    np.testing.assert_allclose(result.params[shown], gold.params[shown], rtol=0, atol=1e-8)
    if family == "poisson":  # NB's α is estimated jointly by fit, held fixed here: only Poisson's errors agree
        dense = [TERM, "C(topic)[T.b]", "C(topic)[T.c]"]
        np.testing.assert_allclose(result.bse[dense], gold.bse[dense], rtol=1e-8)
        assert result.cov_type == gold.cov_type == "cluster"


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_gold_equal_to_the_prediction_is_the_naive_fit(family):
    data = simulated().pipe(lambda d: d.assign(gold_tone=d["tone"]))
    result = engagement.corrected_fit(data, FORMULA, family=family, exposure="followers")
    naive = engagement.fit(data, formula=FORMULA, family=family, exposure="followers")
    np.testing.assert_allclose(result.params, naive.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(result.params, result.naive.params, rtol=0, atol=1e-8)
    if family == "poisson":
        assert result.bse[TERM] == pytest.approx(naive.bse[TERM], rel=1e-8)


def test_absorbed_page_effects_equal_page_dummies():
    # four pages: cluster="page_id" absorbs them (errors per post, fewer than 5 clusters); without a
    # cluster they are dense dummies: the same moments, the same estimates and sandwich
    data = simulated(n=200, pages=4, n_coded=80)
    absorbed = engagement.corrected_fit(data, FORMULA, exposure="followers", cluster="page_id")
    dense = engagement.corrected_fit(data, FORMULA, exposure="followers", cluster=None)
    assert absorbed.absorbed == "C(page_id)" and dense.absorbed is None
    assert absorbed.alpha == pytest.approx(dense.alpha, rel=1e-8)
    np.testing.assert_allclose(absorbed.params, dense.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(absorbed.bse[TERM], dense.bse[TERM], rtol=1e-8)


def test_correction_removes_the_attenuation_of_a_misclassified_tone():
    data = simulated(seed=3)
    result = engagement.corrected_fit(data, FORMULA, exposure="followers")
    naive = engagement.irr_table(result.naive).set_index("term").loc["tone: conversational"]
    corrected = engagement.irr_table(result).set_index("term").loc["tone: conversational"]
    assert naive["ci_high"] < 1.5  # 20 % misclassified: attenuated, the interval misses the truth
    assert corrected["ci_low"] < 1.5 < corrected["ci_high"]
    assert abs(np.log(corrected["irr"] / 1.5)) < abs(np.log(naive["irr"] / 1.5))
    assert result.kommunsocial["alpha_fixed"] == pytest.approx(result.naive.alpha)


def test_bad_coding_inputs_name_the_posts_and_columns():
    data = tiny()
    with pytest.raises(ModelError, match=r"'p_coded'.*t2.*probability 0 could not"):
        engagement.corrected_fit(data.assign(p_coded=[0.5, 0.5, 0.0, 0.5, 0.5, 0.5, 0.5, 0.5]),
                                 f"comments ~ {TONE}", family="poisson", cluster=None)
    with pytest.raises(ModelError, match=r"'gold_tone'.*t4.*'neutral'"):
        engagement.corrected_fit(data.assign(gold_tone=data["gold_tone"].where(data.index != 4, "neutral")),
                                 f"comments ~ {TONE}", family="poisson", cluster=None)
    with pytest.raises(NotEstimable, match="no post used by the model has a gold tone"):
        engagement.corrected_fit(data.assign(gold_tone=pd.NA), f"comments ~ {TONE}", cluster=None)
    with pytest.raises(UnsupportedModel, match="'coded' is not in the posts table"):
        engagement.corrected_fit(data, f"comments ~ {TONE}", gold="coded")


# -- the recovery check ----------------------------------------------------------------------------
def test_recovery_check_is_seeded_and_shows_the_naive_bias():
    data = simulated(seed=1)
    check = engagement.recovery_check(data, FORMULA, irr=1.5, exposure="followers", n_sim=40, seed=7)
    table = check.table
    assert list(table.index) == ["naive", "adjusted", "corrected"]
    assert (table["n_sim"] == 40).all() and (table["irr"] == 1.5).all()
    # a fifth of the tones wrong: the adjusted estimate is attenuated, the corrected one is not
    assert table.loc["adjusted", "bias_pct"] < -10
    assert abs(table.loc["corrected", "bias_pct"]) < abs(table.loc["adjusted", "bias_pct"]) / 2
    assert table.loc["corrected", "coverage"] >= 0.85 > table.loc["adjusted", "coverage"]
    # P(gold | predicted) from the coded half: rows sum to 1
    np.testing.assert_allclose(check.misclassification.sum(axis=1), 1.0)
    assert check.seeds[:2] == [[7, 0], [7, 1]]
    again = engagement.recovery_check(data, FORMULA, irr=1.5, exposure="followers", n_sim=40, seed=7)
    pd.testing.assert_frame_equal(again.table, table)


def test_recovery_check_coverage_is_the_share_of_intervals_holding_the_irr():
    check = engagement.recovery_check(simulated(seed=2), FORMULA, irr=1.3, exposure="followers", n_sim=10,
                                      seed=1)
    e = check.estimates
    held = (e["ci_low"] <= 1.3) & (1.3 <= e["ci_high"])
    assert (held == e["covered"]).all()
    by_hand = e.groupby("estimator")["irr"].mean()
    for est in ("naive", "adjusted", "corrected"):
        assert check.table.loc[est, "bias_pct"] == pytest.approx(100 * (by_hand[est] - 1.3) / 1.3)
        assert check.table.loc[est, "coverage"] == pytest.approx(held[e["estimator"] == est].mean())


def test_a_formula_patsy_builds_is_corrected_too():
    # an interaction of tone and topic: the gold design is built by patsy from the same terms
    formula = f"comments ~ {TONE} * C(topic)"
    data = simulated(n=300, n_coded=150, seed=4)
    everything = data.assign(gold_tone=data["true_tone"], p_coded=1.0)
    gold = engagement.fit(everything.assign(tone=data["true_tone"]), formula=formula, family="poisson",
                          exposure="followers")
    result = engagement.corrected_fit(everything, formula, family="poisson", exposure="followers")
    np.testing.assert_allclose(result.params, gold.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(result.bse, gold.bse, rtol=1e-8)
    with pytest.raises(UnsupportedModel, match="two levels"):
        engagement.recovery_check(data, formula, exposure="followers", n_sim=2)


@pytest.mark.parametrize("redraw", [True, False])
def test_recovery_check_without_measurement_error_corrects_nothing(redraw):
    # the coded posts agree with the prediction: P(gold | predicted) is the identity, every simulated
    # gold tone is the predicted one, and the corrected moments are the adjusted fit's scores
    data = simulated(seed=5, flip=0.0)
    check = engagement.recovery_check(data, FORMULA, irr=1.4, exposure="followers", n_sim=5, seed=3, redraw=redraw)
    np.testing.assert_array_equal(check.misclassification.to_numpy(), np.eye(2))
    e = check.estimates.pivot(index="replication", columns="estimator", values="irr")
    np.testing.assert_allclose(e["corrected"], e["adjusted"], rtol=1e-8)


def test_posts_that_could_never_be_coded_are_counted_in_a_note():
    data = tiny().assign(p_coded=[0.5, 0.0, 0.5, 0.5, 0.5, None, 0.5, 0.5])
    result = engagement.corrected_fit(data, f"comments ~ {TONE}", family="poisson", cluster=None)
    assert any(note.startswith("2 of 8 posts in the model could never have been coded") for note in result.notes)


def test_posts_of_a_topic_at_minus_infinity_add_nothing():
    # topic "z": six posts, all without comments; its effect is −∞ and its posts leave the moments
    data = simulated(seed=6)
    z = data.index[:6]
    data.loc[z, "topic"], data.loc[z, "comments"] = "z", 0
    result = engagement.corrected_fit(data, FORMULA, exposure="followers", alpha=0.5)
    without = engagement.corrected_fit(data.drop(index=z), FORMULA, exposure="followers", alpha=0.5)
    assert result.params["C(topic)[T.z]"] == -np.inf
    assert result.params[TERM] == pytest.approx(without.params[TERM], abs=1e-9)
    assert any("C(topic)[T.z]: at ±∞ in the naive fit" in note for note in result.notes)


def test_few_coded_posts_per_page_are_noted():
    # 40 coded posts over 10 pages: a median of about 4 per page, below MIN_CODED_PER_LEVEL
    thin = engagement.corrected_fit(simulated(n_coded=40, seed=7), FORMULA, exposure="followers")
    assert any("coded posts per level of C(page_id)" in note for note in thin.notes)
    enough = engagement.corrected_fit(simulated(n_coded=200, seed=7), FORMULA, exposure="followers")
    assert not any("coded posts per level" in note for note in enough.notes)


def test_a_reference_topic_without_comments_is_not_estimable_rather_than_a_crash():
    # the reference topic "0" (first in sort order) has no comments: every other topic is at +∞
    # against it, every post is at the limit, and the corrected moments are all zero
    data = simulated(seed=6)
    first = data.index[:6]
    data.loc[first, "topic"], data.loc[first, "comments"] = "0", 0
    with pytest.raises(NotEstimable, match="corrected moments are singular"):
        engagement.corrected_fit(data, FORMULA, exposure="followers", alpha=0.5)
