"""Exact maximum likelihood for NB2 and Poisson count models with one absorbed categorical term.

:func:`fit_count` fits the models of statsmodels' ``smf.negativebinomial`` (NB2, α by maximum
likelihood) and ``smf.glm(..., family=Poisson())`` — same estimates and covariances — without
building the dummy columns of the absorbed term (the page fixed effects ``C(page_id)``):
Newton–Raphson on the dense coefficients, one effect per level of the absorbed factor and, for
NB, log α (:mod:`._likelihood`). No maintained Python library fits NB2 with absorbed effects
(pyfixest has Poisson, logit, probit and Gaussian models, not fixest's ``fenegbin``), so the
solver is the package's own; Poisson goes through the same code rather than a second library.
Columns the data cannot identify are dropped with the reason, as fixest does
(:func:`._design.collinear_columns`).

At 600,000 posts and 290 pages a fit takes seconds and half a GB, where statsmodels' dense
600k × 330 design needs 10–20 minutes and several GB.
"""

from __future__ import annotations

import contextlib
import copy

import numpy as np
import pandas as pd

from ._design import Matrices, ModelError, NotEstimable, chunks, collinear_columns, null_directions
from ._likelihood import ALPHA_FLOOR, Problem, newton, start_values
from ._result import CountModelResult

__all__ = ["fit_count", "LIMIT_MU"]

#: Zero counts whose expected count falls below this at convergence are taken to be at the limit
#: of a separating direction (their coefficients at ±∞): see :func:`_set_aside`.
LIMIT_MU = 1e-12


class _Design:
    """The arrays of the estimation: outcome, dense design, offset, absorbed codes and clusters.

    Dense columns the data cannot identify are taken out here (``dropped``, with the reason).
    Only the rows used in the estimation are kept: rows of absorbed levels whose outcome is all
    zero, and rows where a separated column (see :func:`_separated_columns`) is non-zero, are left
    out — their effects are ±∞ at the maximum, where these rows add nothing to the likelihood.
    """

    def __init__(self, m: Matrices, *, offset: np.ndarray, clusters: np.ndarray | None, index: pd.Index):
        y = m.y
        n_all = len(y)
        bad = np.flatnonzero(~np.isfinite(y) | (y < 0) | (y != np.round(y)))
        if len(bad):
            rows = ", ".join(str(label) for label in index[bad[:5]])
            raise ModelError(f"column {m.endog_name!r}, rows {rows}{' …' if len(bad) > 5 else ''}: the outcome must "
                             f"be whole counts ≥ 0 ({len(bad)} rows are not, e.g. {float(y[bad[0]])!r})")
        self.formula, self.endog_name, self.nobs = m.formula, m.endog_name, n_all
        self.dropped, self.notes = dict(m.dropped), list(m.notes)
        self.clusters = clusters
        self.n_clusters = int(clusters.max()) + 1 if clusters is not None and len(clusters) else None

        term = m.absorbed
        self.absorbed = term.name if term is not None else None
        codes = m.codes
        n_levels = len(term.levels) if term is not None else 0
        self.n_levels, self.ref = n_levels, 0  # the reference level is code 0 (see _design.build)
        active = np.ones(n_all, dtype=bool)
        self.level_active = np.ones(n_levels, dtype=bool)
        if term is not None:
            # absorbed levels whose outcome is all zero: effect −∞, rows out of the estimation
            self.level_active = np.bincount(codes, weights=y, minlength=n_levels) > 0
            active = self.level_active[codes]
        if not (y > 0).any():
            raise NotEstimable(f"the outcome {m.endog_name!r} is 0 in all {n_all} posts used: a model needs at "
                               f"least one post with a count above 0")
        level_index = np.cumsum(self.level_active) - 1  # level code → index among active levels
        self.n_active = int(self.level_active.sum())

        X, names = m.X, list(m.dense)
        out = collinear_columns(X, codes, n_levels, names, self.absorbed)
        X, names = self._drop(X, names, out)
        # dense columns of one sign that are zero wherever the outcome is positive: their effect is
        # ±∞ at the maximum, and the rows where they are non-zero add nothing there
        separated = {}
        while True:
            found = _separated_columns(X, active, y > 0, skip=separated)
            if not found:
                break
            separated.update(found)
            for sl in chunks(n_all):
                active[sl] &= ~np.any(X[sl][:, list(found)] != 0, axis=1)
        fixed = {names[j]: v for j, v in separated.items()}
        X, names = self._drop(X, names, {j: None for j in separated})
        if not active.all():
            X = np.ascontiguousarray(X[active])
            out = collinear_columns(X, level_index[codes[active]] if codes is not None else None, self.n_active,
                                    names, self.absorbed)
            for j in out:
                out[j] = ("not identified: it varies only among posts whose expected count is 0 at the maximum "
                          f"(levels or columns with no count above 0: {', '.join(fixed) or self.absorbed})")
            X, names = self._drop(X, names, out)
        self.exog_names = [name for name in m.names if name not in self.dropped]
        self.dense_names = names
        self.dense_cols = [self.exog_names.index(name) for name in names]
        self.fe_cols = [self.exog_names.index(name) for name in m.absorbed_names]
        self.intercept_col = self.exog_names.index("Intercept") if term is not None else None
        #: output parameters at ±∞ (or undefined) at the maximum, besides absorbed levels
        self.fixed = {self.exog_names.index(name): v for name, v in fixed.items()}
        #: rows in the estimation (the others are zero counts whose expected count is 0 at the maximum)
        self.active = active
        self.X = X
        self.y = y[active]
        self.offset = offset[active]
        self.g = level_index[codes[active]] if term is not None else None
        self.clusters_active = clusters[active] if clusters is not None else None

    def _drop(self, X, names, out: dict):
        """X and names without the columns ``out`` (recorded in ``dropped`` when a reason is given)."""
        if not out:
            return X, names
        for j, why in out.items():
            if why is not None:
                self.dropped[names[j]] = why
        keep = [j for j in range(X.shape[1]) if j not in out]
        return X[:, keep], [names[j] for j in keep]

    def restrict(self, keep, drop, beta) -> _Design:
        """A copy without the estimation rows ``~keep`` and the dense columns ``drop``.

        The dropped columns keep their coefficients ``beta[drop]``: their part of η moves into the
        offset, so the fitted means do not change.
        """
        new = copy.copy(self)
        X, off = self.X[keep], self.offset[keep]
        if drop:
            off = off + X[:, drop] @ beta[drop]
            cols = [j for j in range(X.shape[1]) if j not in drop]
            X = X[:, cols]
            new.dense_names = [self.dense_names[j] for j in cols]
            new.dense_cols = [self.dense_cols[j] for j in cols]
        new.X, new.offset, new.y = np.ascontiguousarray(X), off, self.y[keep]
        new.g = self.g[keep] if self.g is not None else None
        new.clusters_active = self.clusters_active[keep] if self.clusters_active is not None else None
        new.active = self.active.copy()
        new.active[np.flatnonzero(self.active)[~keep]] = False
        new.fixed = dict(self.fixed)
        return new


def _separated_columns(X, active, positive, skip=()) -> dict[int, float]:
    """Columns whose coefficient is ±∞ at the maximum: one-signed and zero on every row with a count.

    Such a column (a topic whose posts all have zero comments, say) lets the likelihood rise
    without bound as its coefficient goes to −∞ (+∞ for a column ≤ 0): the rows where it is
    non-zero are zero counts whose expected value goes to 0. Returns ``{column: ±inf}`` for the
    ``active`` rows; ``positive`` marks rows with a count > 0.
    """
    k = X.shape[1]
    on_count, has_pos, has_neg = np.zeros(k, bool), np.zeros(k, bool), np.zeros(k, bool)
    for sl in chunks(len(X)):
        Xc, a = X[sl], active[sl]
        on_count |= np.any(Xc[a & positive[sl]] != 0, axis=0)
        rows = Xc[a & ~positive[sl]]
        has_pos |= np.any(rows > 0, axis=0)
        has_neg |= np.any(rows < 0, axis=0)
    return {j: (-np.inf if has_pos[j] else np.inf) for j in range(k)
            if j not in skip and not on_count[j] and has_pos[j] != has_neg[j]}


def fit_count(m: Matrices, *, family: str, offset: np.ndarray, clusters: np.ndarray | None, cov_type: str,
              index: pd.Index, maxiter: int = 200, tol: float = 1e-16) -> CountModelResult:
    """Fit an NB2 or Poisson model of the matrices ``m`` by exact maximum likelihood.

    Parameters
    ----------
    m : Matrices
        From :func:`._design.build`: outcome, dense design and the absorbed term's codes.
    family : "negbin" or "poisson"
    offset : ndarray
        One value per row (log exposure, or zeros).
    clusters : ndarray of int or None
        Cluster codes 0..C−1 of each row, for ``cov_type="cluster"``.
    cov_type : "nonrobust", "cluster" or "HC1"
        ``nonrobust``: inverse of the observed information. ``cluster``: the sandwich
        H⁻¹ (Σ_c s_c s_cᵀ) H⁻¹ with statsmodels' factor C/(C−1) · (N−1)/(N−K), K the number of
        parameters (with α for NB). ``HC1``: the sandwich over rows, as statsmodels computes its
        ``HC1`` for these models (without a small-sample factor). With fewer posts than
        parameters the cluster factor is undefined: the model-based errors are given, with a note.
    index : Index
        Labels of the rows (for ``rows_at_limit``).
    maxiter : int
        Newton iterations at most, per stage.
    tol : float
        Convergence: the Newton decrement gᵀ(−H)⁻¹g, twice the remaining gain in log-likelihood.

    Notes
    -----
    Where the likelihood rises without bound along some direction (a separation), statsmodels stops
    somewhere on the way, while the estimates here are those at the limit, exactly: absorbed levels
    whose outcome is all zero have an effect of −∞; dense columns of one sign that are zero
    wherever the count is positive have a coefficient of ∓∞; other separations are found after
    Newton converges, by the zero counts whose expected count is below :data:`LIMIT_MU`, and the
    parameters that only those rows pinned down become ±∞. Those rows add nothing to the
    likelihood at the limit, so the other parameters are estimated without them (``rows_at_limit``);
    ``nobs``, the clusters and K in the small-sample factor still count them, as statsmodels does.
    NB is fitted in log α and reported on the α scale with a delta-method standard error.
    """
    with _one_blas_thread():
        design = _Design(m, offset=offset, clusters=clusters, index=index)
        return _estimate(design, m, family=family, cov_type=cov_type, maxiter=maxiter, tol=tol, index=index)


def _one_blas_thread():
    """Limit BLAS to one thread while fitting (a no-op without threadpoolctl).

    The products here are small (k × k from blocks of 65,536 rows, a (k + G)² Hessian): threads
    gain little, and on a busy machine OpenBLAS's spinning threads made the fit ten times slower.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _fit_design(design: _Design, family: str, *, maxiter: int, tol: float, start=None, free=None):
    """Newton on one design: Poisson, then NB from it (or from ``start``)."""
    if start is None:
        poisson = Problem(design, "poisson")
        theta, llf, grad, hess, iters, converged, free = newton(poisson, start_values(poisson), maxiter=maxiter,
                                                                tol=tol)
        if family == "poisson":
            return poisson, theta, llf, hess, iters, converged, free
        problem = Problem(design, "negbin")
        mu = np.exp(poisson.eta(theta))
        excess = float(np.sum((design.y - mu) ** 2 - design.y) / np.sum(mu ** 2))  # moments estimate of α
        free = np.ones(problem.p, dtype=bool)
        if excess > 0:
            start = np.append(theta, np.log(min(max(excess, 1e-2), 1e2)))
        else:  # no overdispersion: the maximum is at α = 0, the Poisson fit
            start, free[-1] = np.append(theta, np.log(ALPHA_FLOOR)), False
        theta, llf, grad, hess, it_nb, converged, free = newton(problem, start, maxiter=maxiter, tol=tol, free=free)
        return problem, theta, llf, hess, iters + it_nb, converged, free
    problem = Problem(design, family)
    theta, llf, grad, hess, iters, converged, free = newton(problem, start, maxiter=maxiter, tol=tol, free=free)
    return problem, theta, llf, hess, iters, converged, free


def _set_aside(design: _Design, problem: Problem, theta, limit):
    """Take the ``limit`` rows out of the estimation, at the limit of a separating direction.

    Newton has converged by running some coefficients off towards ±∞ (a topic whose posts in the
    data all have zero comments, when it is the reference level, say): the rows ``limit`` are
    zero counts with expected count ~0. Without them the parameters that only these rows pinned
    down are not identified: they are reported at ±∞ (by the sign they were heading to), dense
    columns that became linear combinations of the others are held at their values, and the rest
    is refitted exactly, with a well-conditioned Hessian for the covariance.
    """
    keep = ~limit
    g = design.g[keep] if design.g is not None else None
    k = problem.k
    names, T, finite, _ = _output_map(design, problem.family, problem.p)
    estimate = T @ theta
    fixed = {}
    for b, c in null_directions(design.X[keep], g, problem.G):
        v = np.zeros(problem.p)
        v[:k], v[k:k + problem.G] = b, c
        load = np.abs(T @ v)
        for i in np.flatnonzero(finite & (load > 1e-6 * load.max())):
            fixed[int(i)] = np.copysign(np.inf, estimate[i]) if estimate[i] != 0 else np.nan
    drop = sorted(collinear_columns(design.X[keep], g, problem.G, design.dense_names, design.absorbed))
    new = design.restrict(keep, drop, theta[:k])
    new.fixed.update(fixed)
    return new, np.delete(theta, drop), drop


def _estimate(design: _Design, m: Matrices, *, family: str, cov_type: str, maxiter: int, tol: float,
              index: pd.Index) -> CountModelResult:
    """Newton (Poisson, then NB from it), the covariance, and the results under statsmodels' names."""
    problem, theta, llf, hess, iters, converged, free = _fit_design(design, family, maxiter=maxiter, tol=tol)
    if converged:
        limit = (design.y == 0) & (np.exp(problem.eta(theta)) < LIMIT_MU)
        if limit.any():
            design, theta, drop = _set_aside(design, problem, theta, limit)
            free = np.delete(free, drop)
            problem, theta, llf, hess, more, converged, free = _fit_design(design, family, maxiter=maxiter, tol=tol,
                                                                           start=theta, free=free)
            iters += more
    alpha_at_floor = family == "negbin" and not free[-1]

    # covariance of the internal parameters (those held fixed get none)
    idx = np.flatnonzero(free)
    cov_int = np.full((problem.p, problem.p), np.nan)
    H = hess[np.ix_(idx, idx)]
    try:
        Hinv = np.linalg.inv(H)
    except np.linalg.LinAlgError:
        Hinv = np.full_like(H, np.nan)
    n_params = len(design.exog_names) + (family == "negbin")
    if cov_type == "cluster" and design.nobs <= n_params:
        design.notes.append(f"{design.nobs} posts for {n_params} parameters: too few for cluster-robust standard "
                            f"errors, which need more posts than parameters; these are model-based")
        cov_type = "nonrobust"
    if cov_type == "nonrobust":
        cov = -Hinv
    elif cov_type == "HC1":
        meat = problem.outer_scores(theta)[np.ix_(idx, idx)]
        cov = Hinv @ meat @ Hinv
    else:
        S = problem.score_sums(theta, design.clusters_active)[:, idx]
        n_c, n = design.n_clusters, design.nobs
        cov = Hinv @ (S.T @ S) @ Hinv * (n_c / (n_c - 1.0) * (n - 1.0) / (n - n_params))
    cov_int[np.ix_(idx, idx)] = (cov + cov.T) / 2

    params, cov_out = _to_output(design, problem, theta, cov_int)
    if alpha_at_floor:
        design.notes.append(f"no overdispersion: α is at its floor {ALPHA_FLOOR:g} (the Poisson fit), without a "
                            f"standard error")
    return CountModelResult(params=params, cov=cov_out, llf=llf, nobs=design.nobs, converged=converged,
                            iterations=iters, cov_type=cov_type, family=family, matrices=m,
                            absorbed=design.absorbed, n_clusters=design.n_clusters if cov_type == "cluster" else None,
                            alpha_at_floor=alpha_at_floor, rows_at_limit=index[~design.active],
                            dropped=design.dropped, notes=design.notes)


def _output_map(design: _Design, family: str, p: int):
    """statsmodels' names, the matrix T from internal to reported parameters, and the fixed ones.

    Returns ``names, T, finite, value``: reported = T θ where ``finite``, else ``value`` (±∞, or
    NaN where undefined). α's row is left empty (it is exp(τ)).
    """
    names = list(design.exog_names) + (["alpha"] if family == "negbin" else [])
    p_out = len(names)
    k = len(design.dense_cols)
    T = np.zeros((p_out, p))
    value = np.full(p_out, np.nan)
    finite = np.ones(p_out, dtype=bool)
    for j, col in enumerate(design.dense_cols):
        T[col, j] = 1.0
    if design.absorbed is not None:
        active_pos = np.cumsum(design.level_active) - 1
        levels = [lev for lev in range(design.n_levels) if lev != design.ref]
        fe_cols = design.fe_cols
        ref_ok = design.ref is None or design.level_active[design.ref]
        if design.ref is not None:
            ic = design.intercept_col
            if ref_ok:
                T[ic, k + active_pos[design.ref]] = 1.0
            else:
                finite[ic], value[ic] = False, -np.inf
        for col, lev in zip(fe_cols, levels):
            if not design.level_active[lev]:
                finite[col], value[col] = False, (-np.inf if ref_ok else np.nan)
            elif not ref_ok:
                finite[col], value[col] = False, np.inf
            else:
                T[col, k + active_pos[lev]] = 1.0
                if design.ref is not None:
                    T[col, k + active_pos[design.ref]] = -1.0
    for col, v in design.fixed.items():
        finite[col], value[col] = False, v
    return names, T, finite, value


def _to_output(design: _Design, problem: Problem, theta, cov_int):
    """Reported estimates (Series) and covariance (DataFrame): T θ with α = exp(τ), T cov Tᵀ."""
    names, T, finite, value = _output_map(design, problem.family, problem.p)
    est = T @ theta
    if problem.family == "negbin":
        alpha = float(np.exp(theta[-1]))
        T[-1, -1] = alpha  # delta method: dα/dτ = α
        est[-1] = alpha
    est = np.where(finite, est, value)
    # a parameter has a covariance when it is finite and every internal parameter it uses has one
    has_cov = np.isfinite(np.diag(cov_int))
    ok = finite & ~np.any((T != 0) & ~has_cov[None, :], axis=1)
    cov = T @ np.where(np.isfinite(cov_int), cov_int, 0.0) @ T.T
    cov[~ok, :] = np.nan
    cov[:, ~ok] = np.nan
    return pd.Series(est, index=names), pd.DataFrame(cov, index=names, columns=names)
