"""Count regressions of engagement (negative binomial, Poisson) with incidence-rate-ratio tables."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

__all__ = ["fit", "irr_table", "compare_models", "tone_effect", "TONE_TERM", "MIN_CLUSTERS"]

#: Fewer clusters than this (one municipality, say) give HC1 instead of cluster-robust errors.
MIN_CLUSTERS = 5


def fit(posts: pd.DataFrame, *, formula: str, family: str = "negbin", cluster: str | None = "page_id",
        exposure: str | None = None, maxiter: int = 200, method: str = "auto"):
    """Fit a count model of engagement: NB2 or Poisson, as statsmodels' formula API would.

    Parameters
    ----------
    posts : DataFrame
        One row per post, e.g. :func:`post_metrics` (with ``topic`` from :func:`topics` when the
        formula uses it).
    formula : str
        Patsy formula, e.g. ``"comments ~ C(tone, Treatment('formal')) + C(topic) + C(page_id)"``;
        ``C(page_id)`` gives page fixed effects. Rows with a missing value in a used column are
        dropped (the results' ``nobs`` says how many were used).
    family : "negbin" (default) or "poisson"
        ``negbin`` is NB2 (variance μ + αμ²) with α estimated by maximum likelihood; ``poisson``
        is a Poisson GLM, a check that is robust to misspecified variance when standard errors are
        clustered.
    cluster : str or None
        Column whose groups get cluster-robust standard errors (default the page); None for the
        model-based ones. With fewer than :data:`MIN_CLUSTERS` groups (one municipality) the
        errors are heteroskedasticity-robust (HC1) instead.
    exposure : str or None
        Column of exposure (e.g. ``"followers"``): the model is then for the rate per follower,
        with ``log(exposure)`` as an offset.
    maxiter : int
        Newton iterations at most.
    method : "auto" (default), "fast" or "statsmodels"
        ``"fast"`` is the project's own maximum-likelihood solver
        (:func:`kommunsocial.engagement._countfit.fit_count`): it absorbs the fixed effects of the
        cluster column (``C(page_id)``) — or, without it, the largest categorical term — instead of
        building their dummies, so a country (600,000 posts, 290 pages) takes seconds rather than
        minutes and gigabytes. Estimates, standard errors, intervals and p-values are statsmodels'
        (same names and order; equal to 1e-9 or better, except where statsmodels itself stops
        early: its IRLS leaves Poisson's model-based errors ~1e-6 off). ``"statsmodels"`` fits with
        ``smf.negativebinomial`` (Newton, BFGS when Newton fails) or ``smf.glm``. ``"auto"`` is
        ``"fast"``, falling back to statsmodels when the fast solver cannot take the formula (the
        cluster term in an interaction, say), where ``"fast"`` raises
        :class:`~kommunsocial.engagement._countfit.UnsupportedModel`;
        ``result.kommunsocial["method"]`` says which was used (and ``["fallback"]`` why).

    Returns
    -------
    results with ``params``, ``bse``, ``conf_int()``, ``pvalues``, ``nobs``, ``llf`` and
    ``mle_retvals`` (a :class:`~kommunsocial.engagement._countfit.CountFit`, or statsmodels results);
    :func:`irr_table` turns them into a tidy table. ``result.kommunsocial`` records the
    specification.

    Raises
    ------
    ValueError
        With the fast solver, for perfectly collinear columns (naming them), where statsmodels
        stops with a singular-matrix error.

    Notes
    -----
    The fast solver and statsmodels differ only where the maximum is at infinity. A page (or a
    topic, …) whose posts all have zero of the outcome gets an effect of −∞ and is listed in
    ``result.diverged``; the other estimates are the exact limit, whereas statsmodels stops at some
    large negative number: its Newton fails and BFGS ends short of the maximum, which can move its
    other estimates by a good fraction of a standard error.
    Data without overdispersion give NB's α at the floor
    :data:`~kommunsocial.engagement._countfit.ALPHA_FLOOR`, the Poisson fit.

    Cameron, A. C. & Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed.,
    Cambridge University Press: NB2, Poisson quasi-likelihood and cluster-robust variance.
    """
    if family not in ("negbin", "poisson"):
        raise ValueError("family must be 'negbin' or 'poisson'")
    if method not in ("auto", "fast", "statsmodels"):
        raise ValueError("method must be 'auto', 'fast' or 'statsmodels'")
    used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula)) & set(posts.columns)
    extra = [c for c in (cluster, exposure) if c]
    missing = [c for c in extra if c not in posts.columns]
    if missing:
        raise KeyError(f"columns {missing} are not in the posts table")
    data = posts[sorted(used | set(extra))].copy()  # only the columns the model uses: a country is large
    for col in data.columns:  # statsmodels wants plain numpy dtypes, not pandas' nullable ones
        if isinstance(data[col].dtype, pd.CategoricalDtype):
            data[col] = data[col].astype(object).where(data[col].notna(), None)
        elif str(data[col].dtype) in ("Int64", "Float64", "boolean"):
            data[col] = data[col].astype("float64")
        elif isinstance(data[col].dtype, pd.StringDtype) or data[col].dtype == object:
            data[col] = data[col].astype(object).where(data[col].notna(), None)
    data = data.dropna()
    if exposure:
        data = data[data[exposure] > 0]
    if data.empty:
        raise ValueError("no post has every value the formula needs")
    fit_kw, n_clusters = {}, None
    if cluster:
        n_clusters = int(data[cluster].nunique())
        # cluster-robust errors need several clusters; with fewer, heteroskedasticity-robust ones
        fit_kw = ({"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(data[cluster])[0]}}
                  if n_clusters >= MIN_CLUSTERS else {"cov_type": "HC1"})
    spec = {"formula": formula, "family": family, "exposure": exposure, "cluster": cluster, "maxiter": maxiter,
            "n_clusters": n_clusters, "cov_type": fit_kw.get("cov_type", "nonrobust")}
    fallback = None
    if method != "statsmodels":
        import patsy

        from ._countfit import UnsupportedModel, fit_count

        try:
            result = fit_count(formula, data, family=family, exposure=exposure, cov_type=spec["cov_type"],
                               groups=cluster, maxiter=maxiter, eval_env=patsy.EvalEnvironment.capture(0))
        except UnsupportedModel as exc:
            if method == "fast":
                raise
            fallback = str(exc)
        else:
            result.kommunsocial = {**spec, "method": "fast"}
            return result
    result = _fit_statsmodels(data, formula=formula, family=family, exposure=exposure, fit_kw=fit_kw,
                              maxiter=maxiter)
    result.kommunsocial = {**spec, "method": "statsmodels", **({"fallback": fallback} if fallback else {})}
    return result


def _fit_statsmodels(data: pd.DataFrame, *, formula: str, family: str, exposure: str | None, fit_kw: dict,
                     maxiter: int):
    """The statsmodels fit of :func:`fit` (``method="statsmodels"``) on the prepared rows."""
    import statsmodels.formula.api as smf

    kwargs = {"exposure": np.asarray(data[exposure], dtype=float)} if exposure else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter is checked below, not printed
        if family == "negbin":
            model = smf.negativebinomial(formula, data=data, **kwargs)
            # Newton with the analytic Hessian converges in a handful of steps even with hundreds of
            # page dummies (BFGS needed ~10x longer); BFGS remains the fallback
            result = model.fit(disp=False, maxiter=maxiter, method="newton", **fit_kw)
            if not (result.mle_retvals.get("converged", True) and np.isfinite(result.params).all()
                    and np.isfinite(result.bse).all()):
                # near-Poisson data push alpha towards 0, where Newton steps can fail
                result = model.fit(disp=False, maxiter=maxiter * 2, method="bfgs", **fit_kw)
        else:
            import statsmodels.api as sm

            model = smf.glm(formula, data=data, family=sm.families.Poisson(), **kwargs)
            result = model.fit(**fit_kw)
    return result


def irr_table(result, *, hide=("page_id",)) -> pd.DataFrame:
    """Incidence-rate ratios with 95 % confidence intervals, one row per term.

    ``irr`` is exp(coefficient): the factor by which the expected count changes for that term
    (against the reference level of a categorical). The intercept, NB's dispersion ``alpha`` and
    the dummies of the variables in ``hide`` (by default the page fixed effects; add ``"topic"``
    to leave out controls nobody reads) are left out.
    """
    params, ci, p = result.params, result.conf_int(), result.pvalues
    hidden = tuple(f"C({v}" for v in hide) + tuple(f"{v}[" for v in hide)
    rows = []
    for term in params.index:
        if term in ("Intercept", "alpha") or term.startswith(hidden):
            continue
        rows.append({"term": _label(term), "irr": float(np.exp(params[term])), "ci_low": float(np.exp(ci.loc[term, 0])),
                     "ci_high": float(np.exp(ci.loc[term, 1])), "p_value": float(p[term]), "coef": float(params[term]),
                     "raw_term": term})
    return pd.DataFrame(rows)


def _label(term: str) -> str:
    """``C(tone, Treatment('formal'))[T.conversational]`` → ``tone: conversational``."""
    m = re.match(r"C\((\w+).*?\)\[T\.(.+)\]$", term)
    if m:
        return f"{m.group(1)}: {m.group(2)}"
    m = re.match(r"(\w+)\[T\.(.+)\]$", term)
    return f"{m.group(1)}: {m.group(2)}" if m else term


_FIT_DEFAULTS = {"family": "negbin", "cluster": "page_id", "exposure": None, "maxiter": 200, "method": "auto"}


def _same_fit(result, formula: str, arguments: dict) -> bool:
    """Whether ``result`` (of :func:`fit`) is the fit of ``formula`` with these :func:`fit` arguments."""
    spec = getattr(result, "kommunsocial", None) or {}
    if set(arguments) - set(_FIT_DEFAULTS) or "formula" not in spec:
        return False
    wanted = {**_FIT_DEFAULTS, **arguments}
    if "".join(spec["formula"].split()) != "".join(formula.split()):
        return False
    if any(spec.get(key, _FIT_DEFAULTS[key]) != wanted[key] for key in ("family", "cluster", "exposure", "maxiter")):
        return False
    return wanted["method"] == "auto" or spec.get("method") == wanted["method"]


def compare_models(posts: pd.DataFrame, *, outcome: str, term: str, models: dict, fitted=(),
                   **common) -> pd.DataFrame:
    """Fit several models of one outcome and line up the IRR of one term (e.g. naive vs adjusted).

    ``models`` maps a model name to its right-hand side, or to a dict of :func:`fit` arguments
    with the right-hand side under ``"rhs"`` (``{"rhs": "C(tone)", "exposure": None}``);
    ``common`` are arguments shared by all. ``fitted`` are results of :func:`fit` on the same
    ``posts`` already at hand: a model with the same formula and arguments is taken from them
    rather than fitted again. One row per model: ``irr``, ``ci_low``, ``ci_high``, ``p_value``,
    ``n`` (posts used).
    """
    rows = []
    for name, spec in models.items():
        spec = {"rhs": spec} if isinstance(spec, str) else dict(spec)
        rhs = spec.pop("rhs")
        formula, arguments = f"{outcome} ~ {rhs}", {**common, **spec}
        done = [r for r in fitted if _same_fit(r, formula, arguments)]
        result = done[0] if done else fit(posts, formula=formula, **arguments)
        table = irr_table(result)
        hit = table[table["term"] == term]
        if hit.empty:
            raise KeyError(f"term {term!r} is not in model {name!r}: {table['term'].tolist()}")
        rows.append({"model": name, **hit.iloc[0][["irr", "ci_low", "ci_high", "p_value"]].to_dict(),
                     "n": int(result.nobs)})
    return pd.DataFrame(rows).set_index("model")


#: The tone term of the models: conversational against formal posts.
TONE_TERM = "C(tone, Treatment('formal'))"


def tone_effect(posts: pd.DataFrame, *, formula: str, outcomes=("comments", "reactions", "shares"),
                exposure: str | None = "followers", fitted=(), **kwargs) -> pd.DataFrame:
    """The IRR of a conversational tone, naive and adjusted, for each outcome.

    The adjusted model is ``formula``'s right-hand side (which must contain the tone term
    :data:`TONE_TERM`) with ``exposure``; the naive model is the tone term alone, no exposure:
    the plain ratio of mean counts. One row per outcome and model. ``fitted``: results of
    :func:`fit` on the same ``posts`` (the report's adjusted model of one outcome, say), reused
    where one is the same model (:func:`compare_models`).
    """
    rhs = formula.split("~", 1)[1].strip() if "~" in formula else formula
    if TONE_TERM not in rhs:
        raise ValueError(f"the formula must contain {TONE_TERM}")
    frames = []
    for outcome in outcomes:
        if posts[outcome].notna().sum() == 0:
            continue
        t = compare_models(posts, outcome=outcome, term="tone: conversational",
                           models={"naive": {"rhs": TONE_TERM, "exposure": None},
                                   "adjusted": {"rhs": rhs, "exposure": exposure}}, fitted=fitted, **kwargs)
        frames.append(t.reset_index().assign(outcome=outcome))
    return pd.concat(frames, ignore_index=True)[["outcome", "model", "irr", "ci_low", "ci_high", "p_value", "n"]]
