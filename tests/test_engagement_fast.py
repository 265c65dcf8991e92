"""The fast count-model solver against statsmodels, closed forms and known simulations."""

import warnings

import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from kommunsocial import engagement
from kommunsocial.engagement import _countfit
from kommunsocial.engagement._countfit import CollinearityError, UnsupportedModel, fit_count

ADJUSTED = "{y} ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(weekday) + C(page_id)"
NAIVE = "{y} ~ C(tone, Treatment('formal'))"


@pytest.fixture(scope="module")
def metrics(sample_dataset):
    """Post metrics of the bundled sample with NMF topics, as in the engagement notebook."""
    m = engagement.post_metrics(sample_dataset)
    m["topic"], _ = engagement.topics(sample_dataset.posts["text"], lang=sample_dataset.posts["lang"])
    return m


def assert_matches(fast, ref, *, factor=1.0, rtol_params=1e-5, rtol_inference=1e-4):
    """Same names, order and rows; estimates to ``rtol_params``; inference of non-page terms to ``rtol_inference``.

    ``ref`` is statsmodels' fit, of the rows that are not at the limit when ``fast`` has effects
    at ±∞ (``fast.diverged``, left out here); ``factor`` then corrects its variances for the
    small-sample factor counting every row, cluster and parameter. P-values get an absolute
    tolerance of 1e-12 too: for |z| ≈ 20 a relative 1e-6 in a standard error is a relative 4e-4 in
    p ≈ 1e-90 (statsmodels' GLM takes its default covariance from the last IRLS weights, ~1e-6 off).
    """
    keep = [p for p in fast.params.index if p not in fast.diverged]
    if fast.diverged:  # the reference may name other levels: the finite parameters are in it, in order
        assert [p for p in ref.params.index if p in set(keep)] == keep
    else:
        assert list(fast.params.index) == list(ref.params.index) and fast.nobs == int(ref.nobs)
        np.testing.assert_allclose(fast.llf, ref.llf, rtol=1e-9)
    np.testing.assert_allclose(fast.params[keep], ref.params[keep], rtol=rtol_params, atol=1e-8)
    dense = [p for p in keep if not p.startswith("C(page_id)")]
    bse = ref.bse[dense] * np.sqrt(factor)
    if factor == 1.0:
        ci, p = ref.conf_int().loc[dense], ref.pvalues[dense]
    else:
        z = stats.norm.ppf(0.975)
        ci = pd.DataFrame({0: ref.params[dense] - z * bse, 1: ref.params[dense] + z * bse})
        p = pd.Series(2 * stats.norm.sf(np.abs(ref.params[dense] / bse)), index=dense)
    np.testing.assert_allclose(fast.bse[dense], bse, rtol=rtol_inference)
    np.testing.assert_allclose(fast.conf_int().loc[dense], ci, rtol=rtol_inference, atol=1e-8)
    np.testing.assert_allclose(fast.pvalues[dense], p, rtol=rtol_inference, atol=1e-12)


def both(posts, **kwargs):
    """The fast fit and statsmodels' reference for :func:`assert_matches`: ``(fast, ref, factor)``.

    Where the fast fit has effects at ±∞ — a topic whose posts all have zero shares, say —
    statsmodels stops somewhere on the way (Newton fails, BFGS ends early), so the reference is its
    fit without the rows at that limit (``rows_at_limit``: zero counts with expected count 0),
    which is exact there; the full statsmodels fit must then have the same rows and a likelihood
    no higher.
    """
    fast = engagement.fit(posts, method="fast", **kwargs)
    assert fast.kommunsocial["method"] == "fast"
    assert bool(fast.diverged) == bool(len(fast.rows_at_limit))
    outcome = kwargs["formula"].split("~")[0].strip()
    assert (posts.loc[fast.rows_at_limit, outcome] == 0).all()
    ref = engagement.fit(posts.drop(index=fast.rows_at_limit), method="statsmodels", **kwargs)
    assert ref.kommunsocial["method"] == "statsmodels"
    factor = 1.0
    if fast.diverged:
        full = engagement.fit(posts, method="statsmodels", **kwargs)
        assert fast.nobs == int(full.nobs) and fast.llf >= full.llf - 1e-6
        assert {k: v for k, v in fast.kommunsocial.items() if k != "method"} == \
            {k: v for k, v in full.kommunsocial.items() if k != "method"}
        if fast.cov_type == "cluster":
            def small_sample(n_clusters, n, k):
                return n_clusters / (n_clusters - 1) * (n - 1) / (n - k)

            factor = (small_sample(fast.n_clusters, fast.nobs, len(fast.params))
                      / small_sample(ref.kommunsocial["n_clusters"], ref.nobs, len(ref.params)))
    else:
        assert {k: v for k, v in fast.kommunsocial.items() if k != "method"} == \
            {k: v for k, v in ref.kommunsocial.items() if k != "method"}
    return fast, ref, factor


# -- the bundled sample ------------------------------------------------------------------------------
@pytest.mark.parametrize("family", ["negbin", "poisson"])
@pytest.mark.parametrize("outcome", ["comments", "reactions", "shares"])
def test_sample_adjusted_model_matches_statsmodels(metrics, outcome, family):
    fast, ref, factor = both(metrics, formula=ADJUSTED.format(y=outcome), family=family, exposure="followers")
    assert fast.kommunsocial["cov_type"] == "cluster" and fast.absorbed == "C(page_id)"
    assert fast.converged and fast.mle_retvals["converged"]
    assert_matches(fast, ref, factor=factor)
    tone = engagement.irr_table(fast).set_index("term").loc["tone: conversational"]
    tone_ref = engagement.irr_table(ref).set_index("term").loc["tone: conversational"]
    np.testing.assert_allclose(tone[["irr", "coef"]].astype(float), tone_ref[["irr", "coef"]].astype(float), rtol=1e-5)


@pytest.mark.parametrize("family", ["negbin", "poisson"])
def test_sample_naive_model_matches_statsmodels(metrics, family):
    fast, ref, factor = both(metrics, formula=NAIVE.format(y="comments"), family=family)
    assert fast.absorbed is None  # no page effects: plain Newton on the dense design
    assert_matches(fast, ref, factor=factor)


@pytest.mark.parametrize("family", ["negbin", "poisson"])
def test_sample_three_pages_hc1_matches_statsmodels(metrics, family):
    three = metrics[metrics["page_id"].isin(sorted(metrics["page_id"].unique())[:3])]
    fast, ref, factor = both(three, formula=ADJUSTED.format(y="comments"), family=family, exposure="followers")
    assert fast.kommunsocial["cov_type"] == fast.cov_type == "HC1" and factor == 1.0
    assert_matches(fast, ref)


@pytest.mark.parametrize("family", ["negbin", "poisson"])
def test_sample_model_based_errors_match_statsmodels(metrics, family):
    fast, ref, factor = both(metrics, formula=ADJUSTED.format(y="reactions"), family=family, exposure="followers",
                             cluster=None)
    assert fast.cov_type == "nonrobust" and factor == 1.0
    assert_matches(fast, ref)


def test_auto_is_fast_and_results_read_like_statsmodels(metrics):
    res = engagement.fit(metrics, formula=ADJUSTED.format(y="comments"), exposure="followers")
    assert res.kommunsocial["method"] == "fast" and res.params.index[-1] == "alpha"
    assert res.mle_retvals["iterations"] > 0 and np.isfinite(res.llf)
    finite = res.params.drop(res.diverged)
    ci = res.conf_int(alpha=0.1).loc[finite.index]
    assert list(ci.columns) == [0, 1] and (ci[0] < finite).all() and (finite < ci[1]).all()
    table = res.summary()
    assert list(table.columns) == ["coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]
    assert table.index.equals(res.params.index)
    assert res.cov_params().shape == (len(res.params), len(res.params))


def test_fits_are_deterministic(metrics):
    kwargs = {"formula": ADJUSTED.format(y="shares"), "exposure": "followers"}
    a, b = engagement.fit(metrics, **kwargs), engagement.fit(metrics, **kwargs)
    assert a.params.equals(b.params) and a.bse.equals(b.bse) and a.llf == b.llf


# -- hand-checkable cases ----------------------------------------------------------------------------
def test_poisson_with_page_effects_only_is_the_log_of_page_means():
    data = pd.DataFrame({"page_id": list("aaabbcc"), "y": [1, 2, 3, 4, 4, 0, 1]})
    res = fit_count("y ~ C(page_id)", data, family="poisson", groups="page_id")
    assert res.absorbed == "C(page_id)"
    # means 2, 4 and 0.5; a is the reference level
    expected = pd.Series({"Intercept": np.log(2), "C(page_id)[T.b]": np.log(2), "C(page_id)[T.c]": np.log(0.25)})
    pd.testing.assert_series_equal(res.params, expected, rtol=1e-12, check_names=False)
    # the variance of the log of a Poisson mean is 1 / (sum of counts): a 6, b 8, c 1
    np.testing.assert_allclose(res.bse, [1 / np.sqrt(6), np.sqrt(1 / 8 + 1 / 6), np.sqrt(1 + 1 / 6)], rtol=1e-10)


def simulate(n, groups, alpha, seed=0):
    """NB2 (Poisson when ``alpha`` is 0) counts with group effects, a slope, a 4-level factor and exposure."""
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"page_id": [f"p{g:03d}" for g in rng.integers(0, groups, n)], "x": rng.normal(size=n),
                         "cat": rng.choice(list("abcd"), n), "followers": rng.integers(100, 5000, n).astype(float)})
    effects = rng.normal(scale=0.5, size=groups)
    page = data["page_id"].str[1:].astype(int).to_numpy()
    mu = data["followers"] / 1000 * np.exp(0.3 * data["x"] + 0.4 * (data["cat"] == "b") + effects[page])
    data["y"] = rng.poisson(rng.gamma(1 / alpha, mu * alpha) if alpha > 0 else mu)
    return data


FORMULA = "y ~ x + C(cat) + C(page_id)"


def test_negative_binomial_recovers_a_known_alpha():
    res = fit_count(FORMULA, simulate(20_000, 20, 0.5, seed=3), exposure="followers", cov_type="cluster",
                    groups="page_id")
    assert res.converged and abs(res.params["alpha"] - 0.5) < 0.05
    assert res.conf_int().loc["alpha", 0] < 0.5 < res.conf_int().loc["alpha", 1]
    assert abs(res.params["x"] - 0.3) < 0.05 and abs(res.params["C(cat)[T.b]"] - 0.4) < 0.05


def test_simulated_page_effects_match_statsmodels_and_scale():
    data = simulate(100_000, 200, 0.8, seed=5)
    big = fit_count(FORMULA, data, exposure="followers", cov_type="cluster", groups="page_id")
    assert big.converged and len(big.params) == 1 + 1 + 3 + 199 + 1
    small = data.iloc[:5_000]
    fast, ref, factor = both(small, formula=FORMULA, exposure="followers")
    assert fast.kommunsocial["n_clusters"] == 200 and not fast.diverged
    assert_matches(fast, ref)


def test_term_order_and_coding_follow_patsy():
    data = simulate(3_000, 12, 0.7, seed=7)
    for formula in ("y ~ C(page_id) + x + C(cat)", "y ~ 0 + C(page_id) + x + C(cat)",
                    "y ~ x + C(page_id, Treatment('p005'))"):
        fast = fit_count(formula, data, exposure="followers", cov_type="cluster", groups="page_id")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = smf.negativebinomial(formula, data, exposure=data["followers"].to_numpy()).fit(
                disp=False, method="newton", cov_type="cluster", cov_kwds={"groups": pd.factorize(data["page_id"])[0]})
        assert fast.absorbed is not None
        assert_matches(fast, ref)


def test_dense_design_equals_patsy():
    data = _countfit._as_categoricals(simulate(500, 5, 0.5).assign(flag=lambda d: d["x"] > 0))
    formula = "y ~ C(cat, Treatment('c')) + np.exp(x) + x:C(cat) + flag + C(page_id):x"
    info = patsy.dmatrices(formula, data, NA_action="raise")[1].design_info
    expected = np.asarray(patsy.build_design_matrices([info], data)[0])
    np.testing.assert_array_equal(_countfit._dense_design(info, data), expected)


# -- where the maximum is at infinity ----------------------------------------------------------------
@pytest.mark.parametrize("family", ["negbin", "poisson"])
def test_page_with_only_zeros_is_minus_infinity_and_the_rest_is_exact(family):
    data = simulate(3_000, 20, 0.7, seed=2)
    silent = ["p005", "p007"]
    data.loc[data["page_id"].isin(silent), "y"] = 0
    res = fit_count(FORMULA, data, family=family, exposure="followers", cov_type="cluster", groups="page_id")
    assert res.converged and res.diverged == [f"C(page_id)[T.{p}]" for p in silent]
    assert (res.params[res.diverged] == -np.inf).all() and res.bse[res.diverged].isna().all()
    # at the limit the silent pages add nothing to the likelihood: the fit of the other pages' posts,
    # with statsmodels' small-sample factor counting every post, page and parameter
    rest = data[~data["page_id"].isin(silent)]
    ref = engagement.fit(rest, formula=FORMULA, family=family, exposure="followers", method="statsmodels")
    n, k, g = len(data), len(res.params), 20
    n2, k2, g2 = len(rest), len(ref.params), 18
    factor = (g / (g - 1) * (n - 1) / (n - k)) / (g2 / (g2 - 1) * (n2 - 1) / (n2 - k2))
    np.testing.assert_allclose(res.params[ref.params.index], ref.params, rtol=1e-6)
    np.testing.assert_allclose(res.bse[ref.params.index], ref.bse * np.sqrt(factor), rtol=1e-6)
    assert res.nobs == len(data) and abs(res.llf - ref.llf) < 1e-6


def test_reference_page_with_only_zeros_leaves_the_slopes_estimated():
    data = simulate(3_000, 10, 0.7, seed=4)
    data.loc[data["page_id"] == "p000", "y"] = 0
    res = fit_count(FORMULA, data, exposure="followers", cov_type="cluster", groups="page_id")
    assert res.params["Intercept"] == -np.inf and (res.params.filter(like="page_id") == np.inf).all()
    ref = fit_count(FORMULA, data[data["page_id"] != "p000"], exposure="followers", groups="page_id")
    for term in ("x", "C(cat)[T.b]", "alpha"):
        assert res.params[term] == pytest.approx(ref.params[term], rel=1e-8)
        assert np.isfinite(res.bse[term])


def test_no_overdispersion_puts_alpha_at_the_floor():
    rng = np.random.default_rng(9)
    x = rng.normal(size=4_000)
    data = pd.DataFrame({"x": x, "y": rng.binomial(20, 1 / (1 + np.exp(1 - 0.3 * x))),  # underdispersed
                         "page_id": rng.choice([f"p{i}" for i in range(12)], 4_000)})
    nb = fit_count("y ~ x + C(page_id)", data, cov_type="cluster", groups="page_id")
    poisson = fit_count("y ~ x + C(page_id)", data, family="poisson", cov_type="cluster", groups="page_id")
    assert nb.converged and nb.mle_retvals["alpha_at_floor"]
    assert nb.params["alpha"] == pytest.approx(_countfit.ALPHA_FLOOR) and np.isnan(nb.bse["alpha"])
    np.testing.assert_allclose(nb.params.drop("alpha"), poisson.params, rtol=1e-6)


def test_near_poisson_data_converge():
    fast, ref, _ = both(simulate(2_000, 15, 0.0, seed=1), formula=FORMULA, exposure="followers")
    assert fast.converged and 0 < fast.params["alpha"] < 0.05
    # statsmodels' Newton fails here and its BFGS stops early: the fast fit has the higher likelihood
    assert fast.llf >= ref.llf - 1e-9
    np.testing.assert_allclose(fast.params["x"], ref.params["x"], rtol=1e-3)


# -- what the fast solver refuses -------------------------------------------------------------------
def test_collinear_columns_are_named():
    data = simulate(2_000, 12, 0.5).assign(x2=lambda d: 2 * d["x"] + 1,
                                            region=lambda d: np.where(d["page_id"] < "p006", "north", "south"))
    with pytest.raises(CollinearityError, match=r"\['x2'\]"):
        fit_count("y ~ x + x2 + C(page_id)", data, groups="page_id")
    with pytest.raises(ValueError, match=r"C\(region\)\[T.south\].*C\(page_id\)"):  # constant within pages
        engagement.fit(data, formula="y ~ x + C(region) + C(page_id)")


def test_page_effects_in_an_interaction_fall_back_to_statsmodels():
    data = simulate(1_500, 6, 0.5)
    formula = "y ~ x + C(page_id) + x:C(page_id)"
    res = engagement.fit(data, formula=formula, family="poisson")
    assert res.kommunsocial["method"] == "statsmodels" and "interaction" in res.kommunsocial["fallback"]
    with pytest.raises(UnsupportedModel, match="interaction"):
        engagement.fit(data, formula=formula, family="poisson", method="fast")
    with pytest.raises(ValueError, match="method"):
        engagement.fit(data, formula=formula, method="quick")
