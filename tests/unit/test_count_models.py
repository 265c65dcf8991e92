"""Count models: closed forms worked out by hand, statsmodels on small data, and collinear terms dropped."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from kommunsocial import engagement
from kommunsocial.engagement import _likelihood
from kommunsocial.errors import KommunsocialError

ADJUSTED = "{y} ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(weekday) + C(page_id)"


def statsmodels_fit(data, formula, *, family="negbin", exposure=None, cov_type="cluster", groups="page_id"):
    """statsmodels' own fit of the same model: the reference the package's results must equal."""
    kwargs = {"exposure": data[exposure].to_numpy(dtype=float)} if exposure else {}
    fit_kw = {"cov_type": cov_type}
    if cov_type == "cluster":
        fit_kw["cov_kwds"] = {"groups": pd.factorize(data[groups])[0]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if family == "negbin":
            return smf.negativebinomial(formula, data, **kwargs).fit(disp=False, method="newton", maxiter=200, **fit_kw)
        return smf.glm(formula, data, family=sm.families.Poisson(), **kwargs).fit(tol=1e-13, **fit_kw)


def assert_equal_to(res, ref, *, atol=1e-6):
    """Same coefficients (names and order), standard errors and log-likelihood, to ``atol``."""
    assert list(res.params.index) == list(ref.params.index)
    np.testing.assert_allclose(res.params, ref.params, rtol=0, atol=atol)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=0, atol=atol)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-9)


def simulate(n, pages, alpha, seed=0):
    """NB2 (Poisson when ``alpha`` is 0) counts with page effects, a slope, a 4-level factor and exposure."""
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"page_id": pd.array([f"p{g:03d}" for g in rng.integers(0, pages, n)], dtype="string"),
                         "x": rng.normal(size=n), "cat": rng.choice(list("abcd"), n),
                         "followers": rng.integers(100, 5000, n).astype(float)})
    effects = rng.normal(scale=0.5, size=pages)
    page = data["page_id"].str[1:].astype(int).to_numpy()
    mu = data["followers"] / 1000 * np.exp(0.3 * data["x"] + 0.4 * (data["cat"] == "b") + effects[page])
    data["y"] = rng.poisson(rng.gamma(1 / alpha, mu * alpha) if alpha > 0 else mu)
    return data


FORMULA = "y ~ x + C(cat) + C(page_id)"


# -- closed forms ------------------------------------------------------------------------------------
def test_poisson_with_one_binary_regressor_is_the_ratio_of_group_means():
    data = pd.DataFrame({"tone": ["formal"] * 3 + ["conversational"] * 3, "y": [1, 2, 3, 4, 6, 8],
                         "page_id": "a"})
    res = engagement.fit(data, formula="y ~ C(tone, Treatment('formal'))", family="poisson", cluster=None)
    # means 2 (formal) and 6 (conversational): IRR 3; Var(log mean) = 1 / sum of counts: 1/6 and 1/18
    assert res.params["Intercept"] == pytest.approx(np.log(2), abs=1e-12)
    irr = engagement.irr_table(res).set_index("term").loc["tone: conversational"]
    assert irr["irr"] == pytest.approx(3.0, rel=1e-12)
    assert res.bse.tolist() == pytest.approx([np.sqrt(1 / 6), np.sqrt(1 / 6 + 1 / 18)], rel=1e-10)
    assert res.cov_type == "nonrobust" and res.alpha is None and res.dropped == {} and res.caveats().empty
    # predictions are the group means
    assert res.predict(data).tolist() == pytest.approx([2, 2, 2, 6, 6, 6], rel=1e-12)


def test_page_effects_absorb_a_regressor_constant_within_pages():
    data = pd.DataFrame({"page_id": list("aaabbcc"), "y": [1, 2, 3, 4, 4, 0, 1],
                         "region": ["north"] * 5 + ["south"] * 2, "followers": 100.0})
    res = engagement.fit(data, formula="y ~ C(region) + C(page_id)", family="poisson")
    assert res.absorbed == "C(page_id)" and res.cov_type == "HC1"  # three pages: not clustered
    assert set(res.dropped) == {"C(region)[T.south]"} and "C(page_id)" in res.dropped["C(region)[T.south]"]
    # page means 2, 4 and 0.5 (a is the reference level)
    expected = pd.Series({"Intercept": np.log(2), "C(page_id)[T.b]": np.log(2), "C(page_id)[T.c]": np.log(0.25)})
    pd.testing.assert_series_equal(res.params, expected, rtol=1e-12, check_names=False)
    text = str(res.summary())
    assert "Dropped (1)" in text and "C(region)[T.south]: constant within each level of C(page_id)" in text


# -- equal to statsmodels ------------------------------------------------------------------------------
@pytest.mark.parametrize("family", ["negbin", "poisson"])
@pytest.mark.parametrize("cov_type", ["cluster", "nonrobust"])
def test_absorbed_page_effects_equal_statsmodels(family, cov_type):
    data = simulate(3_000, 12, 0.6, seed=3)
    res = engagement.fit(data, formula=FORMULA, family=family, exposure="followers",
                         cluster="page_id" if cov_type == "cluster" else None)
    assert res.absorbed == "C(page_id)" and res.cov_type == cov_type and res.converged
    assert_equal_to(res, statsmodels_fit(data, FORMULA, family=family, exposure="followers", cov_type=cov_type))


@pytest.mark.parametrize("family", ["negbin", "poisson"])
def test_three_pages_give_hc1_equal_to_statsmodels(family):
    data = simulate(1_500, 3, 0.6, seed=4)
    res = engagement.fit(data, formula=FORMULA, family=family, exposure="followers")
    assert res.cov_type == "HC1" and "fewer than 5 clusters" in res.notes[0]
    assert_equal_to(res, statsmodels_fit(data, FORMULA, family=family, exposure="followers", cov_type="HC1"))


@pytest.mark.parametrize("formula", ["y ~ C(page_id) + x + C(cat)", "y ~ x + C(page_id, Treatment('p005')) + cat",
                                     "y ~ x * C(cat) + C(page_id)", "y ~ 0 + C(page_id) + np.log(followers)"])
def test_term_names_order_and_coding_follow_patsy(formula):
    data = simulate(2_000, 12, 0.7, seed=7).astype({"cat": "string"})
    res = engagement.fit(data, formula=formula, family="negbin")
    ref = statsmodels_fit(data.astype({"cat": object, "page_id": object}), formula)
    assert_equal_to(res, ref)


def test_categorical_columns_keep_their_order_and_booleans_are_factors():
    data = simulate(2_000, 8, 0.5, seed=8)
    data["day"] = pd.Categorical(np.where(data["x"] > 0.5, "Tue", np.where(data["x"] < -0.5, "Sun", "Mon")),
                                 categories=["Mon", "Tue", "Wed", "Sun"])  # Wed has no posts
    data["flag"] = data["cat"] == "a"
    res = engagement.fit(data, formula="y ~ C(day) + flag + C(page_id)", family="poisson")
    assert [p for p in res.params.index if not p.startswith("C(page_id)")] == \
        ["Intercept", "C(day)[T.Tue]", "C(day)[T.Sun]", "flag[T.True]"]
    ref = statsmodels_fit(data.assign(day=data["day"].cat.remove_unused_categories()),
                          "y ~ C(day) + flag + C(page_id)", family="poisson")
    assert_equal_to(res, ref)


def test_predict_equals_statsmodels_and_unseen_levels_are_missing():
    data = simulate(2_000, 10, 0.5, seed=9)
    res = engagement.fit(data, formula=FORMULA, exposure="followers")
    ref = statsmodels_fit(data, FORMULA, exposure="followers")
    new = data.iloc[:50].copy()
    np.testing.assert_allclose(res.predict(new), ref.predict(new, exposure=new["followers"].to_numpy()), rtol=1e-6)
    np.testing.assert_allclose(res.predict(new, linear=True), np.log(res.predict(new)), rtol=1e-12)
    new.loc[new.index[0], "page_id"] = "elsewhere"
    assert res.predict(new).isna().tolist() == [True] + [False] * 49


def test_sample_adjusted_model_equals_statsmodels(sample_dataset):
    m = engagement.post_metrics(sample_dataset)
    m["topic"], _ = engagement.topics(sample_dataset.posts["text"], lang=sample_dataset.posts["lang"])
    formula = ADJUSTED.format(y="reactions")  # comments: a topic whose posts have none, its effect −∞ (below)
    res = engagement.fit(m, formula=formula, exposure="followers")
    assert not res.diverged and res.cov_type == "cluster"
    data = m.dropna(subset=["reactions", "tone", "topic", "post_type", "weekday", "page_id", "followers"])
    for col in ("tone", "topic", "post_type", "weekday", "page_id"):  # patsy reads objects and categoricals
        data[col] = (data[col].cat.remove_unused_categories() if isinstance(data[col].dtype, pd.CategoricalDtype)
                     else data[col].astype(object))
    data = data.astype({"reactions": float})
    ref = statsmodels_fit(data[[c for c in data.columns if c != "text"]], formula, exposure="followers")
    assert res.dropped == {}
    assert_equal_to(res, ref)


# -- collinear terms: dropped with the reason, never an error ----------------------------------------
def per_language(n=2_400, seed=11):
    """Ten pages, five Swedish and five Norwegian; each page writes one language; topics per language."""
    rng = np.random.default_rng(seed)
    pages = [f"p{i}" for i in range(10)]
    page = rng.choice(pages, n)
    lang = np.where(np.isin(page, pages[:5]), "sv", "nb")
    data = pd.DataFrame({"page_id": page, "tone": rng.choice(["formal", "conversational"], n),
                         "topic": [f"{lg}:{k}" for lg, k in zip(lang, rng.integers(0, 3, n))],
                         "post_type": rng.choice(["photo", "link"], n), "followers": 1000.0})
    data.loc[data["page_id"] == "p9", "post_type"] = "video"  # only p9 posts videos, and only videos
    eta = np.log(2.0) + 0.3 * (data["tone"] == "conversational") + 0.2 * (data["topic"].str.endswith(":1"))
    data["comments"] = rng.poisson(rng.gamma(2.0, np.exp(eta) / 2.0))  # NB2 with α = 0.5
    return data


@pytest.mark.parametrize("family", ["negbin", "poisson"])
def test_per_language_topics_and_a_one_page_post_type_are_dropped(family):
    data = per_language()
    formula = "comments ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(page_id)"
    res = engagement.fit(data, formula=formula, family=family, exposure="followers")
    assert set(res.dropped) == {"C(topic)[T.sv:2]", "C(post_type)[T.video]"}
    assert res.dropped["C(topic)[T.sv:2]"].startswith("collinear: a linear combination of C(topic)[T.sv:0], "
                                                      "C(topic)[T.sv:1] and the fixed effects of C(page_id)")
    assert res.dropped["C(post_type)[T.video]"].startswith("constant within each level of C(page_id)")
    assert not set(res.dropped) & set(res.params.index)
    caveats = res.caveats()  # what the engagement report shows under the ratios
    assert caveats["term"].tolist() == ["C(topic)[T.sv:2]", "C(post_type)[T.video]", ""]
    assert caveats["note"].iloc[:2].str.startswith("dropped: ").all()
    # few municipalities: the clustered errors get a caveat naming how many clusters there are
    n_pages = data["page_id"].nunique()
    assert res.cov_type == "cluster" and res.n_clusters == n_pages < engagement.FEW_CLUSTERS
    assert caveats["note"].iloc[2].startswith(f"standard errors clustered on only {n_pages} values of page_id")
    # dropping a dummy merges its level into the reference: statsmodels fits that model
    merged = data.assign(topic=data["topic"].replace({"sv:2": "nb:0"}),
                         post_type=data["post_type"].replace({"video": "link"}))
    ref = statsmodels_fit(merged, formula, family=family, exposure="followers")
    np.testing.assert_allclose(res.params, ref.params[res.params.index], rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-9)
    tone = engagement.irr_table(res).set_index("term").loc["tone: conversational", "irr"]
    assert tone == pytest.approx(np.exp(ref.params["C(tone, Treatment('formal'))[T.conversational]"]), rel=1e-6)


def test_linear_combination_of_columns_is_dropped_and_named():
    data = simulate(1_000, 6, 0.5).assign(x2=lambda d: 2 * d["x"] + 1)
    res = engagement.fit(data, formula="y ~ x + x2 + C(page_id)")
    assert res.dropped == {"x2": "collinear: a linear combination of x and the fixed effects of C(page_id)"}
    ref = statsmodels_fit(data, "y ~ x + C(page_id)")
    np.testing.assert_allclose(res.params, ref.params[res.params.index], rtol=0, atol=1e-6)


def test_one_page_has_no_page_effects_and_no_clustering():
    data = per_language()
    one = data[data["page_id"] == "p1"]
    formula = "comments ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(page_id)"
    res = engagement.fit(one, formula=formula, family="poisson", exposure="followers")
    assert res.absorbed is None and res.cov_type == "HC1" and res.dropped == {}
    assert any("fewer than 5 clusters" in n for n in res.notes)
    assert res.caveats()["note"].tolist() == res.notes and (res.caveats()["term"] == "").all()
    assert any(n.startswith("C(page_id): every post has the same value ('p1')") for n in res.notes)
    ref = statsmodels_fit(one, formula.replace(" + C(page_id)", ""), family="poisson", exposure="followers",
                          cov_type="HC1")
    assert_equal_to(res, ref)
    gap = engagement.tone_effect(one, formula=formula, outcomes=("comments",), family="poisson")
    assert gap["n"].tolist() == [len(one), len(one)]


def test_five_posts_fit_what_can_be_fitted():
    five = pd.DataFrame({"page_id": ["a", "a", "b", "b", "c"],
                         "tone": ["formal", "conversational", "formal", "formal", "conversational"],
                         "post_type": ["photo", "photo", "link", "link", "photo"], "comments": [2, 4, 3, 1, 5],
                         "followers": 1000.0})
    formula = "comments ~ C(tone, Treatment('formal')) + C(post_type) + C(page_id)"
    res = engagement.fit(five, formula=formula, family="poisson", exposure="followers")
    # only page b posts links, and all its posts are links: collinear with b's effect
    assert list(res.dropped) == ["C(post_type)[T.photo]"]
    assert res.dropped["C(post_type)[T.photo]"].startswith("constant within each level of C(page_id)")
    # tone varies only within page a (2 formal, 4 conversational comments): the IRR is 4 / 2; the
    # intercept is a's formal rate per follower, b's effect its mean 2 against a's 2, c's 5 / (2 · 2)
    assert res.nobs == 5 and res.cov_type == "HC1"
    assert np.exp(res.params["C(tone, Treatment('formal'))[T.conversational]"]) == pytest.approx(2.0, rel=1e-9)
    assert res.params["Intercept"] == pytest.approx(np.log(2 / 1000), abs=1e-9)
    assert res.params["C(page_id)[T.b]"] == pytest.approx(0.0, abs=1e-9)
    assert res.params["C(page_id)[T.c]"] == pytest.approx(np.log(5 / 4), abs=1e-9)
    gap = engagement.tone_effect(five, formula=formula, outcomes=("comments",), family="poisson")
    assert gap.set_index("model").loc["adjusted", "irr"] == pytest.approx(2.0, rel=1e-9)


def test_nothing_to_estimate_is_a_clear_error():
    data = per_language().iloc[:20]
    with pytest.raises(engagement.NotEstimable, match="at least one post with a count above 0") as err:
        engagement.fit(data.assign(comments=0), formula="comments ~ C(tone) + C(page_id)")
    assert isinstance(err.value, KommunsocialError)
    with pytest.raises(engagement.NotEstimable, match="0 of 20 posts"):
        engagement.fit(data.assign(comments=np.nan), formula="comments ~ C(tone) + C(page_id)")


def test_errors_are_the_packages():
    for cls in (engagement.UnsupportedModel, engagement.NotEstimable, engagement.ModelError):
        assert issubclass(cls, KommunsocialError)
    data = simulate(200, 3, 0.5)
    with pytest.raises(engagement.UnsupportedModel, match="family"):
        engagement.fit(data, formula=FORMULA, family="logit")
    with pytest.raises(engagement.UnsupportedModel, match="cannot be"):
        engagement.fit(data, formula="y ~ x +")
    bad = data.assign(y=data["y"].astype(float))
    bad.loc[[3, 7], "y"] = [-1.0, 2.5]
    with pytest.raises(engagement.ModelError, match=r"column 'y', rows 3, 7: the outcome must be whole counts"):
        engagement.fit(bad, formula=FORMULA)


# -- where the maximum is at infinity ----------------------------------------------------------------
@pytest.mark.parametrize("family", ["negbin", "poisson"])
def test_page_with_only_zeros_is_minus_infinity_and_the_rest_is_exact(family):
    data = simulate(3_000, 20, 0.7, seed=2)
    silent = ["p005", "p007"]
    data.loc[data["page_id"].isin(silent), "y"] = 0
    res = engagement.fit(data, formula=FORMULA, family=family, exposure="followers", cluster=None)
    assert res.converged and res.diverged == [f"C(page_id)[T.{p}]" for p in silent]
    assert (res.params[res.diverged] == -np.inf).all() and res.bse[res.diverged].isna().all()
    assert set(res.rows_at_limit) == set(data.index[data["page_id"].isin(silent)])
    # at the limit the silent pages add nothing to the likelihood: the fit of the other pages' posts
    ref = statsmodels_fit(data[~data["page_id"].isin(silent)], FORMULA, family=family, exposure="followers",
                          cov_type="nonrobust")
    np.testing.assert_allclose(res.params[ref.params.index], ref.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.bse[ref.params.index], ref.bse, rtol=0, atol=1e-6)
    assert res.nobs == len(data) and res.llf == pytest.approx(ref.llf, abs=1e-6)
    assert (res.predict(data[data["page_id"].isin(silent)]) == 0).all()


def test_no_overdispersion_puts_alpha_at_the_floor():
    rng = np.random.default_rng(9)
    x = rng.normal(size=4_000)
    data = pd.DataFrame({"x": x, "y": rng.binomial(20, 1 / (1 + np.exp(1 - 0.3 * x))),  # underdispersed
                         "page_id": rng.choice([f"p{i}" for i in range(12)], 4_000)})
    nb = engagement.fit(data, formula="y ~ x + C(page_id)")
    poisson = engagement.fit(data, formula="y ~ x + C(page_id)", family="poisson")
    assert nb.mle_retvals["alpha_at_floor"] and nb.alpha == pytest.approx(_likelihood.ALPHA_FLOOR)
    assert np.isnan(nb.bse["alpha"]) and any("no overdispersion" in n for n in nb.notes)
    np.testing.assert_allclose(nb.params.drop("alpha"), poisson.params, rtol=1e-6)


def test_negative_binomial_recovers_a_known_alpha():
    res = engagement.fit(simulate(20_000, 20, 0.5, seed=3), formula=FORMULA, exposure="followers")
    assert res.converged and abs(res.alpha - 0.5) < 0.05
    assert res.conf_int().loc["alpha", 0] < 0.5 < res.conf_int().loc["alpha", 1]
    assert abs(res.params["x"] - 0.3) < 0.05 and abs(res.params["C(cat)[T.b]"] - 0.4) < 0.05
    assert res.aic == pytest.approx(2 * len(res.params) - 2 * res.llf)


# -- the likelihood's derivatives ----------------------------------------------------------------------
def test_score_and_hessian_are_the_derivatives_of_the_likelihood():
    from kommunsocial.engagement import _countfit, _design

    data = simulate(300, 4, 0.5, seed=12)
    m = _design.build(FORMULA, data, cluster="page_id", eval_env=0)
    design = _countfit._Design(m, offset=np.log(data["followers"].to_numpy()), clusters=None, index=data.index)
    problem = _likelihood.Problem(design, "negbin")
    theta = _likelihood.start_values(problem) + np.random.default_rng(0).normal(0, 0.1, problem.p)
    _, grad, hess = problem.gradient_hessian(theta)
    h = 1e-5
    for j in range(problem.p):
        step = np.zeros(problem.p)
        step[j] = h
        numeric = (problem.loglike(theta + step) - problem.loglike(theta - step)) / (2 * h)
        assert numeric == pytest.approx(grad[j], rel=1e-5, abs=1e-6)
        g_plus = problem.gradient_hessian(theta + step)[1]
        g_minus = problem.gradient_hessian(theta - step)[1]
        np.testing.assert_allclose((g_plus - g_minus) / (2 * h), hess[:, j], rtol=1e-4, atol=1e-5)


def test_summary_escapes_hostile_level_names():
    data = simulate(600, 6, 0.5).assign(cat=lambda d: d["cat"].replace({"d": "x<script>alert(1)</script>"}))
    res = engagement.fit(data, formula=FORMULA)
    summary = res.summary()
    assert "<script>" not in summary._repr_html_() and "&lt;script&gt;" in summary._repr_html_()
    assert list(summary.table.columns) == ["coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]
    assert summary.table.index.equals(res.params.index)


def test_fits_are_deterministic():
    data = simulate(2_000, 10, 0.5, seed=5)
    a, b = (engagement.fit(data, formula=FORMULA, exposure="followers") for _ in range(2))
    assert a.params.equals(b.params) and a.bse.equals(b.bse) and a.llf == b.llf


def test_tone_effect_reuses_a_fitted_model_only_when_it_is_the_same():
    data = per_language(seed=13)
    formula = "comments ~ C(tone, Treatment('formal')) + C(topic) + C(page_id)"
    model = engagement.fit(data, formula=formula, exposure="followers")
    fresh = engagement.tone_effect(data, formula=formula, outcomes=("comments",))
    reused = engagement.tone_effect(data, formula=formula, outcomes=("comments",), fitted=[model])
    pd.testing.assert_frame_equal(reused, fresh, check_exact=True)
    assert engagement.models._same_fit(model, " comments~" + formula.split("~")[1], {"exposure": "followers"})
    assert not engagement.models._same_fit(model, formula, {"exposure": None})
    assert not engagement.models._same_fit(model, formula, {"exposure": "followers", "family": "poisson"})
    # the naive model is the ratio of mean comments, conversational against formal
    means = data.groupby("tone")["comments"].mean()
    naive = fresh.set_index("model").loc["naive", "irr"]
    assert naive == pytest.approx(means["conversational"] / means["formal"], rel=1e-9)
