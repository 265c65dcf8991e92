"""The tone effect corrected for errors in the measured tone: design-based supervised learning (DSL).

The tone of a post is measured by the formality index, a classifier or another coder, and is
wrong on some posts. Measurement error in a regressor biases its coefficient (towards 1 on the
IRR scale when the errors are independent of everything else: attenuation), and the confidence
interval of the naive fit is around the biased value. A random sample of posts coded by hand
with known inclusion probabilities (:func:`kommunsocial.tone.coding.inclusion_probabilities`)
corrects it: the DSL estimator of Egami et al. (2023) solves, for the model's coefficients β,

    Σ_i [ m(x̂_i; β) + (R_i / π_i) · ( m(x_i; β) − m(x̂_i; β) ) ] = 0,

with m the model's score for one post evaluated with the predicted tone x̂_i (every post) and
with the gold tone x_i (coded posts, R_i = 1, drawn with probability π_i). The second term has
expectation 0 over the random draw of the coded sample whatever the errors of the prediction,
so the estimating equation is unbiased for the score of the gold tone: β is consistent and its
sandwich variance valid however good or bad the predicted tone is (a better one gives a
narrower interval, never a biased one).

References
----------
Egami, N., Hinck, M., Stewart, B. M. & Wei, H. (2023). Using imperfect surrogates for downstream
inference: design-based supervised learning for social science applications of large language
models. *Advances in Neural Information Processing Systems 36* (NeurIPS 2023).
Cameron, A. C. & Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed., Cambridge
University Press (NB2 score with α fixed, cluster-robust sandwich).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from ._countfit import _one_blas_thread, fit_count
from ._design import ModelError, NotEstimable, UnsupportedModel, build
from ._result import CountModelResult
from .models import prepare

__all__ = ["corrected_fit", "Moments", "MIN_CODED_PER_LEVEL"]

#: Below this many coded posts in the median absorbed level (page), the corrected fit notes that its
#: page effects, each corrected by its own page's coded posts, are noisy (see :func:`corrected_fit`).
MIN_CODED_PER_LEVEL = 10


class Moments:
    """The DSL estimating equation of a count model on fixed design matrices, solved by Newton.

    Rows are stacked: every post with its predicted tone (weight 1 − R/π), then every coded post
    with its gold tone (weight R/π). The page effects are absorbed: their equations are solved
    with β by a Schur complement, never as n × G dummies, so a few thousand pages cost a
    G-vector and a G × k matrix. Built once, solved for many outcomes (:func:`recovery_check`).

    Parameters
    ----------
    X_pred : ndarray (n, k)
        Design with the predicted tone.
    X_gold : ndarray (m, k)
        Design of the coded posts with their gold tone.
    coded : ndarray of int (m,)
        Row of each coded post in ``X_pred``.
    weight : ndarray (m,)
        R/π of the coded posts (1/π).
    g : ndarray of int (n,) or None
        Absorbed level (page) of each post, 0..G−1.
    offset : ndarray (n,)
    limit : ndarray of bool (n,), optional
        Posts whose expected count is 0 at the limit (a column at −∞): weight 0, never corrected.
    """

    def __init__(self, X_pred, X_gold, coded, weight, g, n_levels, offset, limit=None):
        n = len(X_pred)
        if limit is not None and limit.any():
            inside = ~limit[coded]
            X_gold, coded, weight = X_gold[inside], coded[inside], weight[inside]
        self.n, self.k = n, X_pred.shape[1]
        self.X = np.ascontiguousarray(np.vstack([X_pred, X_gold]))
        w = np.ones(n) if limit is None else (~limit).astype(float)
        w[coded] -= weight
        self.w = np.concatenate([w, weight])
        self.post = np.concatenate([np.arange(n), coded])
        self.G = int(n_levels) if g is not None else 0
        self.g = np.concatenate([g, g[coded]]) if g is not None else None
        self.offset = np.concatenate([offset, offset[coded]])
        self._all = None

    def _rows(self, y):
        """The stacked rows of the levels with a count above 0 (all rows, cached, when every level has one).

        A level whose posts all have 0 has the effect −∞ and its rows add nothing to the moments.
        """
        active = np.bincount(self.g[: self.n], weights=y, minlength=self.G) > 0 if self.G else None
        if self.G and not active.all():
            keep = active[self.g]
            rows = _Rows(self.X[keep], self.g[keep], self.offset[keep], self.w[keep], self.post[keep], self.G)
        else:
            if self._all is None:
                self._all = _Rows(self.X, self.g, self.offset, self.w, self.post, self.G)
            rows = self._all
        return rows, y[rows.post], active

    def _pieces(self, beta, delta, y, alpha, rows):
        """Weighted score in η and weighted −∂score/∂η of each stacked row."""
        eta = rows.X @ beta + rows.offset + (delta[rows.g] if self.G else 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            mu = np.exp(eta)
            q = 1.0 + alpha * mu
            return (y - mu) / q * rows.w, mu * (1.0 + alpha * y) / q ** 2 * rows.w

    def _score(self, ws, rows):
        return rows.X.T @ ws, (rows.ind @ ws if self.G else None)

    def _blocks(self, ws, wv, rows):
        """Score (β part, level part) and the blocks A = X'VX, B (G × k), D (G) of minus its Jacobian."""
        S_b, S_d = self._score(ws, rows)
        XV = rows.X * wv[:, None]
        A = rows.X.T @ XV
        if not self.G:
            return S_b, None, A, None, None
        return S_b, S_d, A, np.asarray(rows.ind @ XV), rows.ind @ wv

    def solve(self, y, *, alpha: float, beta, maxiter: int = 100, tol: float = 1e-10):
        """β and the level effects solving the summed moments, from the start ``beta`` (the naive fit's).

        ``alpha`` is NB2's dispersion, held fixed (0 for Poisson). Levels without a count above 0
        are set aside (effect −∞). Returns ``beta, delta, converged, iterations``.
        """
        rows, yk, active = self._rows(y)
        beta = np.asarray(beta, dtype=float).copy()
        delta = np.zeros(self.G)
        if self.G:  # start the level effects at their rate given β: exact for Poisson, close for NB
            num = rows.ind @ (rows.w * yk)
            den = rows.ind @ (np.exp(rows.X @ beta + rows.offset) * rows.w)
            with np.errstate(divide="ignore", invalid="ignore"):
                delta = np.where(active & (num > 0) & (den > 0), np.log(num / den), 0.0)
            delta[~active] = -np.inf
        converged, it = False, 0
        for it in range(1, maxiter + 1):
            S_b, S_d, A, B, D = self._blocks(*self._pieces(beta, delta, yk, alpha, rows), rows)
            norm = self._norm(S_b, S_d, active)
            d_beta, d_delta = self._newton_step(S_b, S_d, A, B, D, active)
            step = max(float(np.max(np.abs(d_beta), initial=0.0)),
                       float(np.max(np.abs(d_delta[active]), initial=0.0)) if self.G else 0.0)
            if not np.isfinite(step):
                break
            if step < tol:
                converged = True
                break
            # damped Newton on the norm of the moments: with the negative weights of the corrected
            # posts the moments need not be monotone, and a full step can leap to a far root
            t = 1.0
            for _ in range(40):
                b_new = beta + t * d_beta
                d_new = np.where(active, delta + t * d_delta, -np.inf) if self.G else delta
                S_b, S_d = self._score(self._pieces(b_new, d_new, yk, alpha, rows)[0], rows)
                if self._norm(S_b, S_d, active) <= (1.0 - 1e-4 * t) * norm:
                    break
                t /= 2
            else:  # no step lowers the moments: at the root up to rounding, or stuck
                converged = step < 1e-6
                break
            beta, delta = b_new, d_new
        return beta, delta, converged, it

    def _norm(self, S_b, S_d, active) -> float:
        with np.errstate(invalid="ignore", over="ignore"):
            total = float(S_b @ S_b) + (float(S_d[active] @ S_d[active]) if self.G else 0.0)
        return np.sqrt(total) if np.isfinite(total) else np.inf

    def _newton_step(self, S_b, S_d, A, B, D, active):
        if not self.G:
            return np.linalg.solve(A, S_b), None
        Dinv = np.where(active & (D != 0), 1.0 / np.where(D != 0, D, 1.0), 0.0)
        schur = A - B.T @ (B * Dinv[:, None])
        d_beta = np.linalg.solve(schur, S_b - B.T @ (S_d * Dinv))
        return d_beta, (S_d - B @ d_beta) * Dinv

    def covariance(self, y, *, alpha, beta, delta, clusters, cov_type: str, n_params: int):
        """Sandwich covariance of β: J⁻¹ (Σ_c U_c U_cᵀ) J⁻¹ with the level effects profiled out.

        ``cov_type="cluster"``: U_c sums the moments of cluster c's posts, with statsmodels'
        factor C/(C−1) · (N−1)/(N−K), as :func:`~kommunsocial.engagement.fit` does; otherwise
        (``HC1``, ``nonrobust``) U sums each post's moments, without a factor (the model-based
        variance is not valid for the corrected moments).
        """
        rows, yk, active = self._rows(y)
        ws, wv = self._pieces(beta, delta, yk, alpha, rows)
        _, _, A, B, D = self._blocks(ws, wv, rows)
        if self.G:
            Dinv = np.where(active & (D != 0), 1.0 / np.where(D != 0, D, 1.0), 0.0)
            bread = A - B.T @ (B * Dinv[:, None])
            U = (rows.X - (B * Dinv[:, None])[rows.g]) * ws[:, None]  # β's moments, level effects profiled out
        else:
            bread, U = A, rows.X * ws[:, None]
        by = clusters[rows.post] if cov_type == "cluster" else rows.post
        size = int(by.max()) + 1 if len(by) else 0
        by_rows = sparse.csr_matrix((np.ones(len(by)), (by, np.arange(len(by)))), shape=(size, len(by)))
        meat_rows = np.asarray(by_rows @ U)
        inv = np.linalg.inv(bread)
        cov = inv @ (meat_rows.T @ meat_rows) @ inv
        if cov_type == "cluster":
            n_c, n = len(np.unique(clusters)), self.n
            cov = cov * (n_c / (n_c - 1.0) * (n - 1.0) / (n - n_params))
        return (cov + cov.T) / 2


class _Rows:
    """Stacked rows of the moments, with the sparse level indicator (G × rows) for level sums."""

    def __init__(self, X, g, offset, w, post, G):
        self.X, self.g, self.offset, self.w, self.post = X, g, offset, w, post
        self.ind = sparse.csr_matrix((np.ones(len(g)), (g, np.arange(len(g)))), shape=(G, len(g))) if G else None


def _labels(posts: pd.DataFrame, index: pd.Index, rows) -> str:
    """The posts at positions ``rows`` of ``index``: their ``post_id`` (their index label without one)."""
    ids = posts.loc[index, "post_id"] if "post_id" in posts.columns else pd.Series(index, index=index)
    shown = [str(v) for v in ids.iloc[rows][:5]]
    return ", ".join(shown) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


class Setup:
    """What the corrected fit and the recovery check share: rows, matrices, the naive fit, the moments."""

    def __init__(self, posts, formula, *, tone, gold, probability, family, cluster, exposure, maxiter=200):
        import patsy

        if family not in ("negbin", "poisson"):
            raise UnsupportedModel("family must be 'negbin' or 'poisson'")
        for col in (tone, gold, probability):
            if col not in posts.columns:
                raise UnsupportedModel(f"column {col!r} is not in the posts table (tone: the predicted tone, "
                                       f"gold: the coded tone, probability: each post's inclusion probability)")
        if not posts.index.is_unique:
            raise UnsupportedModel("the posts table's index has repeated labels; reset it first")
        data, notes, exposure, clusters, cov_type, n_clusters = prepare(posts, formula, cluster=cluster,
                                                                        exposure=exposure)
        if tone not in data.columns:
            raise UnsupportedModel(f"the formula {formula!r} does not use the tone column {tone!r}")
        m = build(formula, data, cluster=cluster, eval_env=patsy.EvalEnvironment.capture(2))
        offset = np.log(data[exposure].to_numpy(dtype=float)) if exposure else np.zeros(len(data))
        naive = fit_count(m, family=family, offset=offset, clusters=clusters, cov_type=cov_type, index=data.index,
                          maxiter=maxiter)
        naive.notes[:0] = notes
        naive.kommunsocial = {"formula": formula, "family": family, "exposure": exposure, "cluster": cluster,
                              "maxiter": maxiter, "n_clusters": n_clusters, "cov_type": naive.cov_type}
        self.posts, self.data, self.m, self.naive, self.notes = posts, data, m, naive, list(notes)
        self.offset, self.clusters, self.cov_type = offset, clusters, naive.cov_type
        self.family, self.exposure, self.tone = family, exposure, tone

        # the coded posts among the rows used, and their weights R/π
        gold_values = posts.loc[data.index, gold]
        is_coded = gold_values.notna().to_numpy() & (gold_values.astype("string").str.strip() != "").fillna(False) \
            .to_numpy(dtype=bool)
        coded = np.flatnonzero(is_coded)
        if not len(coded):
            raise NotEstimable(f"no post used by the model has a gold tone in column {gold!r}: the correction needs "
                               f"a coded sample")
        n_outside = int(posts[gold].notna().sum()) - len(coded)
        if n_outside > 0:
            self.notes.append(f"{n_outside} coded posts are not in the model (a missing value in a column it "
                              f"uses): the correction uses the other {len(coded)}")
        p = pd.to_numeric(posts.loc[data.index, probability], errors="coerce").to_numpy(dtype=float)[coded]
        bad = np.flatnonzero(~(np.isfinite(p) & (p > 0) & (p <= 1)))
        if len(bad):
            raise ModelError(f"column {probability!r}: coded posts need an inclusion probability above 0 and at "
                             f"most 1; post(s) {_labels(posts, data.index, coded[bad])} have "
                             f"{', '.join(str(v) for v in p[bad][:5])} (a post with probability 0 could not "
                             f"have been drawn)")
        self.coded, self.weight = coded, 1.0 / p
        p_all = pd.to_numeric(posts.loc[data.index, probability], errors="coerce")
        never = int((p_all.fillna(0) <= 0).sum())
        if never:  # e.g. posts under sample_for_coding's min_words: the coded sample says nothing about them
            self.notes.append(f"{never} of {len(data)} posts in the model could never have been coded (inclusion "
                              f"probability 0 or missing): the correction covers them only if their tone measure "
                              f"errs as the others' does; leave them out for an estimate about the posts that "
                              f"could be coded")
        self.gold_labels = gold_values.iloc[coded].astype(object).to_numpy()

        # columns at ±∞ in the naive fit (a topic whose posts all have zero comments): their posts have
        # an expected count of 0 at the limit whatever the tone, and add nothing to the moments
        self.diverged = [name for name in naive.diverged if name in m.dense]
        self.limit = np.asarray(data.index.isin(naive.rows_at_limit))
        for name in self.diverged:
            if self.tone in name:
                raise NotEstimable(f"the naive fit has no finite estimate of {name}: no tone effect to correct")
            self.limit |= m.X[:, m.dense.index(name)] != 0
        if self.diverged:
            self.notes.append(f"{', '.join(self.diverged)}: at ±∞ in the naive fit (every post with it has zero "
                              f"{m.endog_name}), so those posts add nothing to the correction and keep the naive "
                              f"value")
        dropped = set(naive.dropped) | set(self.diverged)
        self.keep_cols = [j for j, name in enumerate(m.dense) if name not in dropped]
        self.names = [m.dense[j] for j in self.keep_cols]
        self.X_pred = m.X[:, self.keep_cols]
        self.X_gold, self.tone_cols = self._gold_design(gold)
        g = m.codes if m.absorbed is not None else None
        n_levels = len(m.absorbed.levels) if m.absorbed is not None else 0
        self.moments = Moments(self.X_pred, self.X_gold, coded, self.weight, g, n_levels, offset, limit=self.limit)
        if g is not None:
            per_level = np.bincount(g[coded], minlength=n_levels)
            if np.median(per_level) < MIN_CODED_PER_LEVEL:
                self.notes.append(f"a median of {np.median(per_level):g} coded posts per level of {m.absorbed.name} "
                                  f"(fewer than {MIN_CODED_PER_LEVEL}): each level's effect is corrected by its own "
                                  f"coded posts, so with few the correction is noisy and its interval may be too "
                                  f"narrow; see how it fares on these data with recovery_check")
        self.n_params = len(naive.params)  # as fit counts them: α included for NB
        self.alpha = float(naive.params["alpha"]) if family == "negbin" else 0.0

    def tone_term(self):
        """The main-effect term of the tone column (None when patsy built the formula)."""
        terms = [t for t in self.m.terms if t.column == self.tone]
        if self.m.absorbed is not None and self.m.absorbed.column == self.tone:
            raise UnsupportedModel(f"the tone column {self.tone!r} is the absorbed term: it cannot be corrected")
        return terms[0] if terms else None

    def _gold_design(self, gold):
        """The design of the coded posts with their gold tone, and the columns the tone enters."""
        m, data = self.m, self.data
        term = self.tone_term()
        if m.patsy_info is None:
            if term is None:
                raise UnsupportedModel(f"the formula has no term of the tone column {self.tone!r}")
            full = m.X[self.coded].copy()
            cols = [m.dense.index(name) for name in term.names]
            full[:, cols] = term.columns(self.gold_labels)
            unknown = np.flatnonzero(np.isnan(full[:, cols]).any(axis=1))
            if len(unknown):
                shown = _labels(self.posts, data.index, self.coded[unknown])
                raise ModelError(f"column {gold!r}: post(s) {shown} have a gold tone "
                                 f"({', '.join(map(repr, sorted(set(map(str, self.gold_labels[unknown])))))}) that "
                                 f"no post has as predicted tone (levels {term.levels})")
        else:  # interactions and transformations: patsy builds the same columns from the gold tone
            import patsy

            frame = data.iloc[self.coded].copy()
            frame[self.tone] = pd.Series(self.gold_labels, index=frame.index, dtype=object)
            for col in frame.columns:
                if isinstance(frame[col].dtype, pd.StringDtype):
                    frame[col] = frame[col].astype(object)
            try:
                (built,) = patsy.build_design_matrices([m.patsy_info], frame, NA_action="raise")
            except patsy.PatsyError as exc:
                raise ModelError(f"column {gold!r}: the gold tone cannot enter the formula: {exc}") from None
            full = np.asarray(built, dtype=float)
            cols = [j for j, name in enumerate(m.dense) if self.tone in name]
        X_gold = full[:, self.keep_cols]
        tone_cols = [self.keep_cols.index(j) for j in cols if j in self.keep_cols]
        return X_gold, tone_cols

    def start(self):
        """The naive fit's dense coefficients: the start of Newton."""
        return self.naive.params[self.names].to_numpy(dtype=float)

    def result(self, beta, delta, cov, *, alpha, converged, iterations) -> CountModelResult:
        """The corrected estimates as a :class:`CountModelResult` under the naive fit's names."""
        m, naive = self.m, self.naive
        names = [name for name in naive.params.index]
        params = pd.Series(np.nan, index=names, dtype=float)
        params[self.names] = beta
        params[self.diverged] = naive.params[self.diverged]
        cov_out = pd.DataFrame(np.nan, index=names, columns=names)
        cov_out.loc[self.names, self.names] = cov
        notes = list(self.notes)
        if m.absorbed is not None:
            ref = delta[0]
            params["Intercept"] = ref
            with np.errstate(invalid="ignore"):
                for j, name in enumerate(m.absorbed.names, start=1):
                    if name in params.index:
                        params[name] = delta[j] - ref if np.isfinite(ref) else (np.inf if np.isfinite(delta[j])
                                                                                else np.nan)
            notes.append(f"the intercept and the effects of {m.absorbed.name} are estimated but get no standard "
                         f"errors (absorbed)")
        if self.family == "negbin":
            params["alpha"] = alpha
            notes.append(f"NB2 with α fixed at {alpha:.4g} (the naive fit's): the corrected moments are the "
                         f"scores of β")
        if not converged:
            notes.append("Newton did not converge on the corrected moments: the estimates are not reliable")
        return CountModelResult(params=params, cov=cov_out, llf=np.nan, nobs=naive.nobs, converged=converged,
                                iterations=iterations, cov_type=self.cov_type, family=self.family, matrices=m,
                                absorbed=naive.absorbed, n_clusters=naive.n_clusters,
                                alpha_at_floor=naive.mle_retvals["alpha_at_floor"],
                                rows_at_limit=naive.rows_at_limit, dropped=naive.dropped, notes=notes)


def corrected_fit(posts: pd.DataFrame, formula: str, *, tone: str = "tone", gold: str = "gold_tone",
                  probability: str = "p_coded", family: str = "negbin", cluster: str | None = "page_id",
                  exposure: str | None = None, alpha: float | None = None, maxiter: int = 200) -> CountModelResult:
    """A count model of engagement with the tone effect corrected for errors in the measured tone (DSL).

    Parameters
    ----------
    posts : DataFrame
        As for :func:`~kommunsocial.engagement.fit`, with the predicted tone in ``tone`` (every
        post: the index's, a classifier's, another coder's), the gold tone in ``gold`` (the coded
        posts; missing elsewhere, e.g. ``posts["post_id"].map(reliability.gold_labels(coded))``),
        and each post's inclusion probability in ``probability`` (e.g. ``posts["post_id"].map(
        coding.design_probabilities(ds, sheet))``; ``n / N`` for a simple random sample).
    formula, family, cluster, exposure, maxiter
        As for :func:`~kommunsocial.engagement.fit`; the formula must use the ``tone`` column. The
        naive fit (the formula with the predicted tone) is the start and gives NB2's α.
    alpha : float, optional
        NB2's α to hold fixed; by default the naive fit's.

    Returns
    -------
    CountModelResult
        The corrected coefficients under the naive fit's names; :func:`irr_table` gives the IRRs.
        Standard errors (and intervals) for the dense coefficients: the sandwich of the corrected
        moments, clustered as ``fit`` clusters them (≥ :data:`MIN_CLUSTERS` clusters), else per
        post. The intercept and the absorbed page effects get none. ``llf`` is NaN (the moments are
        no likelihood); ``result.naive`` is the naive fit; ``result.kommunsocial`` records the
        specification with ``estimator="dsl"`` and ``n_coded``.

    Raises
    ------
    ModelError
        For a coded post whose probability is missing, 0 or above 1, or whose gold tone is a level
        no post has as predicted tone (naming the posts and the column); :class:`NotEstimable` for
        no coded post among the rows used, or a naive fit with an infinite coefficient.

    Notes
    -----
    For post i the moment is m_i = s(x̂_i) + (R_i/π_i)(s(x_i) − s(x̂_i)), s the score in β of
    Poisson, x (y − μ), or of NB2 with α fixed, x (y − μ)/(1 + αμ); page fixed effects are
    parameters of the same moments, absorbed. With every post coded and π = 1 the estimate is the
    fit on the gold tone; with gold = predicted it is the naive fit. Valid when π is the design's
    probability, every post has π > 0 (posts that could never be coded, such as those under
    ``min_words``, are not represented: leave them out of ``posts`` for an estimate about the
    others) and the coded sample is large enough for the sandwich (a few hundred posts).

    Limits: computing, the level effects are solved through a G-vector and a G × k matrix (2,000
    pages and 50,000 posts take seconds); the dense columns (controls, the tone) are an n × k
    matrix, stacked once more for the coded posts. Statistically, each page's effect is itself
    corrected by that page's coded posts: with few of them (simulations: about 5 per page, or
    pages of ~20 posts) the page effects are noisy, the intervals too narrow or Newton finds no
    root; a note says when the median page has fewer than :data:`MIN_CODED_PER_LEVEL` coded posts.
    Then code more posts, use broader fixed effects (a column grouping pages) or check with
    :func:`~kommunsocial.engagement.recovery_check`, which shows the coverage on these data.

    Egami, N., Hinck, M., Stewart, B. M. & Wei, H. (2023). Using imperfect surrogates for
    downstream inference: design-based supervised learning for social science applications of
    large language models. *NeurIPS 36*.
    """
    setup = Setup(posts, formula, tone=tone, gold=gold, probability=probability, family=family, cluster=cluster,
                  exposure=exposure, maxiter=maxiter)
    a = setup.alpha if alpha is None else float(alpha)
    if family == "poisson":
        a = 0.0
    y = setup.m.y
    with _one_blas_thread():
        try:
            beta, delta, converged, iterations = setup.moments.solve(y, alpha=a, beta=setup.start(), maxiter=maxiter)
            cov = setup.moments.covariance(y, alpha=a, beta=beta, delta=delta, clusters=setup.clusters,
                                           cov_type=setup.cov_type, n_params=setup.n_params)
        except np.linalg.LinAlgError:
            raise NotEstimable("the corrected moments are singular: some column of the model is not informed by "
                               "the posts left (a level with a handful of posts, or posts all without "
                               f"{setup.m.endog_name}); pool small levels or drop the term") from None
    result = setup.result(beta, delta, cov, alpha=a, converged=converged, iterations=iterations)
    result.naive = setup.naive
    result.kommunsocial = {**setup.naive.kommunsocial, "estimator": "dsl", "tone": tone, "gold": gold,
                           "probability": probability, "n_coded": int(len(setup.coded)), "alpha_fixed": a}
    return result
