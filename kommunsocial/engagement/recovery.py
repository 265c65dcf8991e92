"""Does the tone effect come out right on these data? A plasmode recovery check.

The posts, pages, times, controls, exposure, predicted tone and coded sample of the user's own
data are kept; only the counts are simulated, from the gold tone with a planted IRR and the
nuisance structure of the naive fit (page effects, controls, NB2's α). The naive, adjusted and
corrected (DSL) estimates are then computed on each simulated outcome: their bias and the
coverage of their 95 % intervals say how far each can be trusted on data of this size, this
tone measure and this coded sample.

References
----------
Franklin, J. M., Schneeweiss, S., Polinski, J. M. & Rassen, J. A. (2014). Plasmode simulation for
the evaluation of pharmacoepidemiologic methods in complex healthcare databases. *Computational
Statistics & Data Analysis* 72, 219–226.
Egami, N., Hinck, M., Stewart, B. M. & Wei, H. (2023). Using imperfect surrogates for downstream
inference: design-based supervised learning for social science applications of large language
models. *NeurIPS 36*.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ._countfit import _one_blas_thread, fit_count
from ._design import UnsupportedModel
from .correction import Moments, Setup

__all__ = ["recovery_check", "RecoveryCheck", "ESTIMATORS"]

#: The estimates compared: the tone term alone (no exposure), the formula with the predicted tone,
#: and the formula corrected with the coded sample (DSL).
ESTIMATORS = ("naive", "adjusted", "corrected")


@dataclass
class RecoveryCheck:
    """The result of :func:`recovery_check`.

    Attributes
    ----------
    table : DataFrame
        One row per estimator (:data:`ESTIMATORS`): ``irr`` (planted), ``mean_irr``,
        ``bias_pct`` (100 · (mean IRR − IRR) / IRR), ``median_irr`` (the corrected estimate's
        distribution has a long right tail at small coded samples), ``coverage`` (share of the 95 % intervals
        that hold the planted IRR), ``median_ci_ratio`` (upper / lower bound, the interval's width
        on the ratio scale), ``n_sim`` (replications with an estimate).
    estimates : DataFrame
        One row per replication and estimator: ``replication``, ``estimator``, ``irr``, ``ci_low``,
        ``ci_high``, ``covered``.
    seed : int
        Replication r drew from ``numpy.random.default_rng([seed, r])``.
    misclassification : DataFrame
        P(gold tone | predicted tone) estimated on the coded sample (weighted by 1/π), rows the
        predicted tone: the uncoded posts' gold tones were drawn from it.
    notes : list of str
    """

    table: pd.DataFrame
    estimates: pd.DataFrame
    seed: int
    misclassification: pd.DataFrame
    notes: list = field(default_factory=list)

    @property
    def seeds(self) -> list:
        """The seed of each replication, as given to ``numpy.random.default_rng``."""
        return [[self.seed, int(r)] for r in sorted(self.estimates["replication"].unique())]

    def __repr__(self) -> str:
        return f"<RecoveryCheck seed={self.seed}>\n{self.table.to_string(float_format=lambda v: f'{v:.3g}')}"

    def _repr_html_(self) -> str:  # numbers and the estimators' names only: nothing from the data
        return self.table.to_html(float_format=lambda v: f"{v:.3g}")


def _misclassification(codes_pred, codes_gold, weight, n_levels):
    """P(gold level | predicted level), weighted by 1/π; the identity for a level never coded."""
    table = np.zeros((n_levels, n_levels))
    np.add.at(table, (codes_pred, codes_gold), weight)
    rows = table.sum(axis=1)
    uncoded = rows == 0
    table[uncoded] = np.eye(n_levels)[uncoded]
    return table / table.sum(axis=1, keepdims=True), uncoded


def recovery_check(posts: pd.DataFrame, formula: str, *, irr: float = 1.5, tone: str = "tone",
                   gold: str = "gold_tone", probability: str = "p_coded", family: str = "negbin",
                   cluster: str | None = "page_id", exposure: str | None = None, n_sim: int = 200,
                   seed: int = 0, level: float = 0.95, redraw: bool = True) -> RecoveryCheck:
    """Bias and coverage of the naive, adjusted and corrected tone effects on simulated counts of these posts.

    Parameters
    ----------
    posts, formula, tone, gold, probability, family, cluster, exposure
        As for :func:`~kommunsocial.engagement.corrected_fit`. The formula is main effects
        (``C(x)``, ``C(x, Treatment(...))``, columns) and the tone a term with two levels.
    irr : float
        The planted IRR of the tone term's level (conversational against formal).
    n_sim : int
        Replications.
    seed : int
        Replication r draws from ``numpy.random.default_rng([seed, r])``.
    level : float
        Confidence level of the intervals.
    redraw : bool
        Draw a new coded sample in each replication, each post with its own probability
        (Poisson sampling with the posts' π; coded by their gold tone of that replication), so
        bias and coverage are those of the design, over samples. False keeps the real coded
        posts in every replication: then the results are conditional on that one sample (the
        corrected estimate's error due to which posts happened to be coded does not average out).

    Returns
    -------
    RecoveryCheck
        ``table`` (bias in % of the IRR and coverage per estimator), ``estimates`` (each
        replication), ``seeds``, ``misclassification``, ``notes``.

    Notes
    -----
    In each replication: the gold tone of a coded post is its code; an uncoded post's is drawn
    from its predicted tone with P(gold | predicted) estimated on the coded sample. The counts
    are NB2 (Poisson for ``family="poisson"``) with log mean = the naive fit's page effects,
    controls and offset, plus log(irr) for the gold tone. Then: *naive* is the tone term alone
    without exposure (the ratio of means; clustered errors), *adjusted* the formula fitted with
    the predicted tone (:func:`~kommunsocial.engagement.fit`'s estimator), *corrected* the DSL
    estimate with α from the adjusted fit. The design matrices are built once; a replication is
    one NB fit and one corrected Newton solve.

    The check is only as good as its assumptions: the misclassification it simulates is the one
    seen in the coded sample, independent of the counts given the predicted tone, and the
    counts follow the model. It says whether the estimators recover a known effect from data of
    this shape; it does not test the model.
    """
    if n_sim < 1:
        raise ValueError(f"n_sim must be at least 1, not {n_sim!r}")
    if irr <= 0:
        raise ValueError(f"irr must be above 0, not {irr!r}")
    setup = Setup(posts, formula, tone=tone, gold=gold, probability=probability, family=family, cluster=cluster,
                  exposure=exposure)
    term = setup.tone_term()
    if term is None or not term.categorical or len(term.levels) != 2 or len(setup.tone_cols) != 1:
        raise UnsupportedModel("the recovery check needs a main-effects formula whose tone term has two levels "
                               f"(e.g. C({tone}, Treatment('formal')))")
    m, naive, notes = setup.m, setup.naive, list(setup.notes)
    j_tone = setup.tone_cols[0]
    value_of = term.columns(term.levels)[:, 0]  # the tone column's value for each level
    codes_pred = term.codes(setup.data[tone])
    codes_gold = term.codes(setup.gold_labels)
    P, uncoded_levels = _misclassification(codes_pred[setup.coded], codes_gold, setup.weight, len(term.levels))
    for lev in np.flatnonzero(uncoded_levels):
        notes.append(f"no coded post has the predicted tone {term.levels[lev]!r}: its posts keep it as gold tone")
    misclassification = pd.DataFrame(P, index=pd.Index(term.levels, name=f"predicted {tone}"),
                                     columns=pd.Index(term.levels, name=f"gold {tone}"))

    # the nuisance structure of the naive fit: log mean without the tone, on the predicted design
    beta = setup.start()
    beta_nuisance = beta.copy()
    beta_nuisance[j_tone] = 0.0
    eta0 = setup.X_pred @ beta_nuisance + setup.offset
    if m.absorbed is not None:
        effects = np.array([0.0] + [naive.params.get(name, np.nan) for name in m.absorbed.names])
        eta0 = eta0 + naive.params["Intercept"] + effects[m.codes]
    eta0[setup.limit] = -np.inf  # posts of a column at −∞ in the naive fit: expected count 0
    alpha = setup.alpha
    log_irr = float(np.log(irr))
    n = len(setup.data)
    uncoded = np.ones(n, dtype=bool)
    uncoded[setup.coded] = False
    gold_codes = np.empty(n, dtype=np.intp)
    gold_codes[setup.coded] = codes_gold
    cumulative = np.cumsum(P, axis=1)[codes_pred[uncoded]]
    p_all = pd.to_numeric(posts.loc[setup.data.index, probability], errors="coerce").fillna(0.0).clip(0, 1) \
        .to_numpy(float, copy=True)
    p_all[setup.coded] = 1.0 / setup.weight
    g_codes = m.codes if m.absorbed is not None else None
    n_levels = len(m.absorbed.levels) if m.absorbed is not None else 0

    # the naive model: intercept and the predicted tone, no exposure, no page effects
    tone_pred = setup.X_pred[:, j_tone]
    naive_moments = Moments(np.column_stack([np.ones(n), tone_pred]), np.zeros((0, 2)), np.zeros(0, dtype=np.intp),
                            np.zeros(0), None, 0, np.zeros(n))
    naive_params = 2 + (family == "negbin")
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    with _one_blas_thread():  # small products: BLAS threads only spin on a shared machine
        for r in range(n_sim):
            rng = np.random.default_rng([seed, r])
            gold_codes[uncoded] = (rng.random(int(uncoded.sum()))[:, None] > cumulative).sum(axis=1)
            mu = np.exp(eta0 + log_irr * value_of[gold_codes])
            y = rng.poisson(rng.gamma(1.0 / alpha, mu * alpha) if alpha > 0 else mu).astype(float)
            if not (y > 0).any():
                continue
            estimates = {}
            # naive: the ratio of means (with one binary regressor the NB and Poisson estimates and
            # their sandwich coincide, so Poisson moments give both)
            mean_f, mean_c = y[tone_pred == 0].mean(), y[tone_pred == 1].mean()
            if mean_f > 0 and mean_c > 0:
                b = np.array([np.log(mean_f), np.log(mean_c / mean_f)])
                cov = naive_moments.covariance(y, alpha=0.0, beta=b, delta=np.zeros(0), clusters=setup.clusters,
                                               cov_type=setup.cov_type, n_params=naive_params)
                estimates["naive"] = (b[1], np.sqrt(cov[1, 1]))
            try:
                adjusted = fit_count(dataclasses.replace(m, y=y, notes=[], dropped=dict(m.dropped)), family=family,
                                     offset=setup.offset, clusters=setup.clusters, cov_type=setup.cov_type,
                                     index=setup.data.index)
            except np.linalg.LinAlgError:  # a singular information matrix in this replication only
                continue
            name = setup.names[j_tone]
            b_adj = adjusted.params.get(name, np.nan)
            if set(adjusted.params.index) - set(naive.params.index) \
                    or any(n_ not in adjusted.params.index for n_ in setup.names) \
                    or not np.isfinite(adjusted.params[setup.names].to_numpy(dtype=float)).all():
                continue  # a column dropped or at ±∞ in this replication only: not the same model
            estimates["adjusted"] = (b_adj, adjusted.bse[name])
            a_hat = float(adjusted.params["alpha"]) if family == "negbin" else 0.0
            moments = setup.moments
            if redraw:  # a new coded sample of the same design, coded with this replication's gold tone
                coded = np.flatnonzero(rng.random(n) < p_all)
                X_gold = setup.X_pred[coded].copy()
                X_gold[:, j_tone] = value_of[gold_codes[coded]]
                moments = Moments(setup.X_pred, X_gold, coded, 1.0 / p_all[coded], g_codes, n_levels, setup.offset,
                                  limit=setup.limit)
            try:
                b_dsl, delta, converged, _ = moments.solve(y, alpha=a_hat,
                                                           beta=adjusted.params[setup.names].to_numpy(dtype=float))
                if converged:
                    cov = moments.covariance(y, alpha=a_hat, beta=b_dsl, delta=delta, clusters=setup.clusters,
                                             cov_type=setup.cov_type, n_params=setup.n_params)
                    estimates["corrected"] = (b_dsl[j_tone], np.sqrt(cov[j_tone, j_tone]))
            except np.linalg.LinAlgError:  # the corrected moments singular in this replication: no estimate
                pass
            for est, (b_hat, se) in estimates.items():
                low, high = b_hat - z * se, b_hat + z * se
                rows.append({"replication": r, "estimator": est, "irr": np.exp(b_hat), "ci_low": np.exp(low),
                             "ci_high": np.exp(high), "covered": bool(low <= log_irr <= high)})
    estimates = pd.DataFrame(rows, columns=["replication", "estimator", "irr", "ci_low", "ci_high", "covered"])
    table = _summarise(estimates, irr)
    short = table.index[table["n_sim"] < n_sim].tolist()
    if short:
        notes.append(f"{', '.join(short)}: an estimate in fewer than {n_sim} replications (a replication whose "
                     f"simulated counts leave a column unidentified or at ±∞ (all zero) is skipped for every "
                     f"estimate; no count above 0 in a tone; no convergence or a singular matrix)")
    return RecoveryCheck(table=table, estimates=estimates, seed=seed, misclassification=misclassification,
                         notes=notes)


def _summarise(estimates: pd.DataFrame, irr: float) -> pd.DataFrame:
    rows = []
    for est in ESTIMATORS:
        e = estimates[estimates["estimator"] == est]
        mean = float(e["irr"].mean()) if len(e) else np.nan
        rows.append({"estimator": est, "irr": irr, "mean_irr": mean, "bias_pct": 100.0 * (mean - irr) / irr,
                     "median_irr": float(e["irr"].median()) if len(e) else np.nan,
                     "coverage": float(e["covered"].mean()) if len(e) else np.nan,
                     "median_ci_ratio": float((e["ci_high"] / e["ci_low"]).median()) if len(e) else np.nan,
                     "n_sim": int(len(e))})
    return pd.DataFrame(rows).set_index("estimator")
