"""Count regressions of engagement (negative binomial, Poisson) with incidence-rate-ratio tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._countfit import fit_count
from ._design import ModelError, NotEstimable, UnsupportedModel, build
from ._result import CountModelResult

__all__ = ["fit", "irr_table", "compare_models", "tone_effect", "TONE_TERM", "MIN_CLUSTERS", "FEW_CLUSTERS", "CountModelResult",
           "ModelError", "NotEstimable", "UnsupportedModel"]

#: Fewer clusters than this (one municipality, say) give HC1 instead of cluster-robust errors.
MIN_CLUSTERS = 5
#: Below this many clusters, cluster-robust standard errors are too small (Cameron & Miller 2015,
#: "A practitioner's guide to cluster-robust inference"): the model's notes say so.
FEW_CLUSTERS = 30


def fit(posts: pd.DataFrame, *, formula: str, family: str = "negbin", cluster: str | None = "page_id",
        exposure: str | None = None, maxiter: int = 200) -> CountModelResult:
    """Fit a count model of engagement: NB2 or Poisson by exact maximum likelihood.

    Parameters
    ----------
    posts : DataFrame
        One row per post, e.g. :func:`post_metrics` (with ``topic`` from :func:`topics` when the
        formula uses it).
    formula : str
        Patsy formula, e.g. ``"comments ~ C(tone, Treatment('formal')) + C(topic) + C(page_id)"``;
        ``C(page_id)`` gives page fixed effects. Rows with a missing value in a used column, or
        with an exposure ≤ 0, are left out (``nobs`` says how many were used; a note how many
        were left out). Main effects (``C(x)``, ``C(x, Treatment('level'))``, a column) are
        built directly, the fixed effects of the cluster column absorbed rather than built as
        dummies; any other formula (interactions, ``np.log(x)``…) is built by patsy, densely.
    family : "negbin" (default) or "poisson"
        ``negbin`` is NB2 (variance μ + αμ²) with α estimated by maximum likelihood, as
        statsmodels' ``smf.negativebinomial``; ``poisson`` is the Poisson GLM (``smf.glm``), a
        check that is robust to misspecified variance when standard errors are clustered.
    cluster : str or None
        Column whose groups get cluster-robust standard errors (default the page); None for the
        model-based ones. With fewer than :data:`MIN_CLUSTERS` groups (one municipality) the
        errors are heteroskedasticity-robust (HC1) instead, with a note.
    exposure : str or None
        Column of exposure (e.g. ``"followers"``): the model is then for the rate per follower,
        with ``log(exposure)`` as an offset. When no post has an exposure above 0 (an export
        without follower counts) the model is fitted without it, with a note.
    maxiter : int
        Newton iterations at most.

    Returns
    -------
    CountModelResult
        ``params``, ``bse``, ``conf_int()``, ``pvalues``, ``predict(data)``, ``summary()``,
        ``nobs``, ``llf``, ``aic``, ``alpha`` (NB2), ``cov_type``, ``dropped`` and ``notes``;
        :func:`irr_table` turns it into a tidy table. ``result.kommunsocial`` records the
        specification. Estimates and standard errors equal statsmodels' where statsmodels fits
        the same model.

    Raises
    ------
    NotEstimable
        When nothing can be estimated: no post has every value the formula needs, or the outcome
        is 0 in every post (a model needs at least one post with a count above 0).
    UnsupportedModel
        For a formula that cannot be read or built.
    ModelError
        For an outcome that is not whole counts ≥ 0 (naming the column and rows).

    Notes
    -----
    Columns the data cannot identify are dropped and named in ``result.dropped`` with the
    reason, as fixest does, never an error: a column constant within each page (a post type only
    one page uses, and all its posts) is collinear with the page fixed effects; a topic of one
    language, when each page writes one language, is a linear combination of the other topics of
    that language and the page effects; a level no post has after the missing rows are left out
    has no column. With one page there are no page effects (a note says so).

    Where the maximum is at infinity — a page (or a topic, …) whose posts all have zero of the
    outcome — the effect is −∞ and listed in ``result.diverged``; the other estimates are the exact
    limit, whereas statsmodels stops at some large negative number. Data without overdispersion
    give NB's α at the floor :data:`~kommunsocial.engagement._likelihood.ALPHA_FLOOR`, the
    Poisson fit.

    Cameron, A. C. & Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed.,
    Cambridge University Press: NB2, Poisson quasi-likelihood and cluster-robust variance.
    Bergé, L. (2018). Efficient estimation of maximum likelihood models with multiple fixed-effects:
    the R package FENmlm. CREA Discussion Paper 2018-13 (fixest: absorbed effects, collinear
    variables removed).
    """
    import patsy

    if family not in ("negbin", "poisson"):
        raise UnsupportedModel("family must be 'negbin' or 'poisson'")
    data, notes, exposure, clusters, cov_type, n_clusters = prepare(posts, formula, cluster=cluster,
                                                                    exposure=exposure)
    matrices = build(formula, data, cluster=cluster, eval_env=patsy.EvalEnvironment.capture(1))
    offset = np.log(data[exposure].to_numpy(dtype=float)) if exposure else np.zeros(len(data))
    result = fit_count(matrices, family=family, offset=offset, clusters=clusters, cov_type=cov_type,
                       index=data.index, maxiter=maxiter)
    result.notes[:0] = notes
    result.kommunsocial = {"formula": formula, "family": family, "exposure": exposure, "cluster": cluster,
                           "maxiter": maxiter, "n_clusters": n_clusters, "cov_type": result.cov_type}
    return result


def prepare(posts: pd.DataFrame, formula: str, *, cluster: str | None, exposure: str | None):
    """The rows and columns a count model of ``formula`` uses, and how its errors are clustered.

    Shared by :func:`fit` and the corrected fit (:mod:`.correction`), so both estimate on the same
    posts. Returns ``data, notes, exposure, clusters, cov_type, n_clusters``: ``exposure`` is None
    when no post has one above 0; ``clusters`` the codes 0..C−1 for ``cov_type="cluster"``.
    """
    used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula)) & set(posts.columns)
    extra = [c for c in (cluster, exposure) if c]
    missing = [c for c in extra if c not in posts.columns]
    if missing:
        raise UnsupportedModel(f"columns {missing} are not in the posts table")
    notes = []
    if exposure and not (pd.to_numeric(posts[exposure], errors="coerce") > 0).any():
        # an export without follower counts (Facepager, the Graph API): the model of counts, not of
        # rates, rather than no model at all; the note says so
        notes.append(f"no post has {exposure} > 0 (the export has none): fitted without exposure, a model of "
                     f"counts per post, not of rates per {exposure}")
        extra, exposure = [c for c in extra if c != exposure], None
    data = posts[sorted(used | set(extra))].copy()  # only the columns the model uses: a country is large
    for col in data.columns:  # nullable numbers and flags as plain floats (a flag a 0/1 column, as before)
        if str(data[col].dtype) in ("Int64", "Int32", "Float64", "Float32", "boolean"):
            data[col] = data[col].astype("float64")
    n_given = len(data)
    data = data.dropna()
    if exposure:
        data = data[data[exposure] > 0]
    if len(data) < n_given:
        notes.append(f"{n_given - len(data)} of {n_given} posts left out: a missing value in "
                     f"{', '.join(sorted(used | set(extra)))}" + (f" or {exposure} ≤ 0" if exposure else ""))
    if data.empty:
        raise NotEstimable(f"no post has every value the formula needs ({', '.join(sorted(used | set(extra)))}"
                           + (f", with {exposure} > 0" if exposure else "") + f"): 0 of {n_given} posts; a model "
                           f"needs at least one post with every value and a count above 0")
    cov_type, n_clusters, clusters = "nonrobust", None, None
    if cluster:
        clusters, uniques = pd.factorize(data[cluster])
        n_clusters = len(uniques)
        if n_clusters >= MIN_CLUSTERS:
            cov_type = "cluster"
            if n_clusters < FEW_CLUSTERS:
                notes.append(f"standard errors clustered on only {n_clusters} values of {cluster}: with fewer than "
                             f"about {FEW_CLUSTERS} clusters, cluster-robust intervals tend to be too narrow and "
                             f"p-values too small (Cameron & Miller 2015), so read them as approximate")
        else:  # cluster-robust errors need several clusters; with fewer, heteroskedasticity-robust ones
            cov_type, clusters = "HC1", None
            notes.append(f"{n_clusters} {'value' if n_clusters == 1 else 'values'} of {cluster}: fewer than "
                         f"{MIN_CLUSTERS} clusters, so the standard errors are heteroskedasticity-robust (HC1), "
                         f"not clustered")
    return data, notes, exposure, clusters, cov_type, n_clusters


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
        with np.errstate(over="ignore"):  # a bound of a fit on few posts may be unbounded: inf, shown as such
            rows.append({"term": _label(term), "irr": float(np.exp(params[term])),
                         "ci_low": float(np.exp(ci.loc[term, 0])), "ci_high": float(np.exp(ci.loc[term, 1])),
                         "p_value": float(p[term]), "coef": float(params[term]), "raw_term": term})
    # the columns even when every term was dropped (too few posts, one tone only): the report goes on
    return pd.DataFrame(rows, columns=["term", "irr", "ci_low", "ci_high", "p_value", "coef", "raw_term"])


def _label(term: str) -> str:
    """``C(tone, Treatment('formal'))[T.conversational]`` → ``tone: conversational``."""
    m = re.match(r"C\((\w+).*?\)\[T\.(.+)\]$", term)
    if m:
        return f"{m.group(1)}: {m.group(2)}"
    m = re.match(r"(\w+)\[T\.(.+)\]$", term)
    return f"{m.group(1)}: {m.group(2)}" if m else term


_FIT_DEFAULTS = {"family": "negbin", "cluster": "page_id", "exposure": None, "maxiter": 200}


def _same_fit(result, formula: str, arguments: dict) -> bool:
    """Whether ``result`` (of :func:`fit`) is the fit of ``formula`` with these :func:`fit` arguments."""
    spec = getattr(result, "kommunsocial", None) or {}
    if set(arguments) - set(_FIT_DEFAULTS) or "formula" not in spec:
        return False
    wanted = {**_FIT_DEFAULTS, **arguments}
    if "".join(spec["formula"].split()) != "".join(formula.split()):
        return False
    return all(spec.get(key, _FIT_DEFAULTS[key]) == wanted[key] for key in ("family", "cluster", "exposure", "maxiter"))


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
            why = [f"{raw}: {reason}" for raw, reason in result.dropped.items() if _label(raw) == term]
            raise ModelError(f"term {term!r} of model {name!r} was not estimated: "
                             + ("; ".join(why) if why else f"no such term (terms: {table['term'].tolist()})"))
        rows.append({"model": name, **hit.iloc[0][["irr", "ci_low", "ci_high", "p_value"]].to_dict(),
                     "n": int(result.nobs)})
    return pd.DataFrame(rows).set_index("model")


#: The tone term of the models: conversational against formal posts.
TONE_TERM = "C(tone, Treatment('formal'))"


def tone_effect(posts: pd.DataFrame, *, formula: str, outcomes=("comments", "reactions", "shares"),
                exposure: str | None = "followers", fitted=(), min_posts: int = 0, **kwargs) -> pd.DataFrame:
    """The IRR of a conversational tone, naive and adjusted, for each outcome.

    The adjusted model is ``formula``'s right-hand side (which must contain the tone term
    :data:`TONE_TERM`) with ``exposure``; the naive model is the tone term alone, no exposure:
    the plain ratio of mean counts. One row per outcome and model. ``fitted``: results of
    :func:`fit` on the same ``posts`` (the report's adjusted model of one outcome, say), reused
    where one is the same model (:func:`compare_models`). An outcome counted on fewer than
    ``min_posts`` posts is left out (as :func:`~kommunsocial.engagement.fit_or_explain` does).
    """
    rhs = formula.split("~", 1)[1].strip() if "~" in formula else formula
    if TONE_TERM not in rhs:
        raise UnsupportedModel(f"the formula must contain {TONE_TERM}")
    frames = []
    for outcome in outcomes:
        if outcome not in posts.columns:
            raise UnsupportedModel(f"the outcome {outcome!r} is not a column of the posts table")
        if posts[outcome].notna().sum() < max(min_posts, 1):
            continue
        try:
            t = compare_models(posts, outcome=outcome, term="tone: conversational",
                               models={"naive": {"rhs": TONE_TERM, "exposure": None},
                                       "adjusted": {"rhs": rhs, "exposure": exposure}}, fitted=fitted, **kwargs)
        except UnsupportedModel:
            raise
        except ModelError:
            # no tone estimate for this outcome (every post one tone, no text, too few posts): the
            # report's notes say why; the other outcomes are still compared
            continue
        frames.append(t.reset_index().assign(outcome=outcome))
    columns = ["outcome", "model", "irr", "ci_low", "ci_high", "p_value", "n"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
