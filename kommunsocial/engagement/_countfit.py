"""Exact maximum likelihood for NB2 and Poisson count models with one absorbed categorical term.

:func:`fit_count` fits the same models as statsmodels' ``smf.negativebinomial`` (NB2, α by
maximum likelihood) and ``smf.glm(..., family=Poisson())``, with the same parameter names, order,
estimates and covariances, but without building the dummy columns of one high-cardinality
categorical term such as the page fixed effects ``C(page_id)``. The other terms are built by
patsy as a dense design; the absorbed term enters as integer level codes. Newton–Raphson runs on
the full parameter vector — dense coefficients, one effect per level of the absorbed factor and,
for NB, log α — with a Hessian assembled from its blocks (the dense X'WX, the level sums of w·x and
the diagonal of level sums of w), so the n × G dummy matrix is never formed.

At 600,000 posts and 290 pages this turns a fit of 10–20 minutes and several GB (statsmodels'
dense 600k × 330 design, its Hessian and score arrays) into about ten seconds and half a GB.
"""

from __future__ import annotations

import contextlib
import copy
from itertools import repeat

import numpy as np
import pandas as pd
from scipy import linalg, sparse, special, stats
from scipy.linalg import blas

__all__ = ["fit_count", "CountFit", "UnsupportedModel", "CollinearityError", "ALPHA_FLOOR", "ABSORB_MIN_LEVELS",
           "LIMIT_MU"]

#: NB's α is not taken below this: data with no overdispersion push the ML estimate to α = 0, the
#: Poisson model, where log α has no finite optimum. At the floor α is held fixed (and reported with
#: a missing standard error); the other coefficients are then those of a Poisson model.
ALPHA_FLOOR = 1e-8

#: With ``absorb="auto"`` and no term of the cluster column, the largest single categorical term is
#: absorbed when it has at least this many levels (fewer dummies are cheap to build densely).
ABSORB_MIN_LEVELS = 10

_CHUNK = 1 << 16  # rows per block in the weighted cross-products: bounded temporary memory


def _trigamma(x):
    return special.polygamma(1, x)


class UnsupportedModel(ValueError):
    """The formula or data are outside what the fast solver handles (statsmodels may)."""


class CollinearityError(ValueError):
    """Perfectly collinear design columns: the coefficients are not identified."""


# -- the design ------------------------------------------------------------------------------------------
class _Design:
    """Arrays of one model: outcome, dense design, offset, absorbed codes, clusters and the mapping back.

    Only the rows used in the estimation are kept: rows of absorbed levels whose outcome is all
    zero, and rows where a separated column (see :func:`_separated_columns`) is non-zero, are left
    out — their effects are ±∞ at the maximum, where these rows add nothing to the likelihood.
    """

    def __init__(self, formula, data, *, exposure, offset, groups, absorb, eval_env):
        import patsy

        self.index = data.index
        data = _as_categoricals(data.reset_index(drop=True))
        n_all = len(data)
        lhs_info, rhs_info = patsy.incr_dbuilders(formula, lambda: iter([data]), eval_env=eval_env,
                                                  NA_action="raise")
        if len(lhs_info.column_names) != 1:
            raise UnsupportedModel("the formula needs exactly one outcome column")
        y = np.asarray(patsy.build_design_matrices([lhs_info], data, NA_action="raise")[0], dtype=float)[:, 0]
        if not np.isfinite(y).all() or (y < 0).any():
            raise ValueError("the outcome must be finite counts ≥ 0")
        self.formula = formula
        self.endog_name = lhs_info.column_names[0]
        self.exog_names = list(rhs_info.column_names)
        self.nobs = n_all

        off = np.zeros(n_all)
        for name, values, transform in (("exposure", exposure, np.log), ("offset", offset, None)):
            if values is None:
                continue
            arr = np.asarray(data[values] if isinstance(values, str) else values, dtype=float)
            if arr.shape != (n_all,):
                raise ValueError(f"{name} must have one value per row")
            if name == "exposure" and not (arr > 0).all():
                raise ValueError("exposure must be > 0")
            arr = transform(arr) if transform else arr
            if not np.isfinite(arr).all():
                raise ValueError(f"{name} has missing or infinite values")
            off += arr

        self.clusters, self.n_clusters = None, None
        if groups is not None:
            values = data[groups] if isinstance(groups, str) else groups
            codes, uniques = pd.factorize(np.asarray(values))
            if len(codes) != n_all or (codes < 0).any():
                raise ValueError("the cluster groups must have one non-missing value per row")
            self.clusters, self.n_clusters = codes, len(uniques)

        # the absorbed term: its levels in patsy's order, and the parameters it stands for
        term = _choose_absorbed(rhs_info, absorb, groups if isinstance(groups, str) else None)
        self.absorbed = term.name() if term is not None else None
        keep_terms = list(rhs_info.terms)
        codes, n_levels, ref = None, 0, None
        if term is not None:
            (factor,) = term.factors
            info = rhs_info.factor_infos[factor]
            n_levels = len(info.categories)
            codes = _level_codes(info, data)
            if (codes < 0).any():
                raise ValueError(f"{self.absorbed} has missing values")
            ref = _treatment_reference(rhs_info.term_codings[term][0].contrast_matrices[factor].matrix)
            keep_terms.remove(term)
            if ref is not None:  # the intercept is spanned by the level effects: absorbed as well
                keep_terms = [t for t in keep_terms if t.factors]
        self.n_levels, self.ref = n_levels, ref
        self.fe_slice = rhs_info.term_slices[term] if term is not None else slice(0, 0)
        self.intercept_col = (rhs_info.column_names.index("Intercept")
                              if term is not None and ref is not None else None)

        # absorbed levels whose outcome is all zero: effect −∞, rows out of the estimation
        active = np.ones(n_all, dtype=bool)
        self.level_active = np.ones(n_levels, dtype=bool)
        if term is not None:
            self.level_active = np.bincount(codes, weights=y, minlength=n_levels) > 0
            if not self.level_active.any():
                raise ValueError("the outcome is zero in every row")
            active = self.level_active[codes]
        elif not (y > 0).any():
            raise ValueError("the outcome is zero in every row")
        level_index = np.cumsum(self.level_active) - 1  # level code → index among active levels
        self.n_active = int(self.level_active.sum())

        sub_info = rhs_info.subset(keep_terms)
        X = _dense_design(sub_info, data)
        self.dense_names = list(sub_info.column_names)
        self.dense_cols = [self.exog_names.index(c) for c in self.dense_names]
        bad = _dependent_columns(X, codes, n_levels)
        if bad:
            against = f" or the levels of {self.absorbed}" if self.absorbed else ""
            raise CollinearityError(f"perfectly collinear columns: {[self.dense_names[j] for j in bad]} are constant "
                                    f"or linear combinations of the other terms{against}; drop one of the "
                                    f"collinear terms")
        # dense columns of one sign that are zero wherever the outcome is positive: their effect is
        # ±∞ at the maximum, and the rows where they are non-zero add nothing there
        separated = {}
        while True:
            found = _separated_columns(X, active, y > 0, skip=separated)
            if not found:
                break
            separated.update(found)
            for sl in _chunks(n_all):
                active[sl] &= ~np.any(X[sl][:, list(found)] != 0, axis=1)
        #: output parameters at ±∞ (or undefined) at the maximum, besides absorbed levels
        self.fixed = {self.dense_cols[j]: v for j, v in separated.items()}
        if separated:
            keep = [j for j in range(X.shape[1]) if j not in separated]
            X = X[:, keep]
            self.dense_names = [self.dense_names[j] for j in keep]
            self.dense_cols = [self.dense_cols[j] for j in keep]
        if not active.all():
            X = np.ascontiguousarray(X[active])
            bad = _dependent_columns(X, level_index[codes[active]] if codes is not None else None, self.n_active)
            if bad:
                raise UnsupportedModel(
                    f"{[self.dense_names[j] for j in bad]} are not identified at the maximum: they vary only in "
                    f"rows whose expected count is 0 there (levels of {self.absorbed} or columns "
                    f"{[self.exog_names[c] for c in self.fixed]} whose rows all have outcome 0)")
        #: rows in the estimation (the others are zero counts whose expected count is 0 at the maximum)
        self.active = active
        self.X = X
        self.y = y[active]
        self.offset = off[active]
        self.g = level_index[codes[active]] if term is not None else None
        self.clusters_active = self.clusters[active] if self.clusters is not None else None

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
    for sl in _chunks(len(X)):
        Xc, a = X[sl], active[sl]
        on_count |= np.any(Xc[a & positive[sl]] != 0, axis=0)
        rows = Xc[a & ~positive[sl]]
        has_pos |= np.any(rows > 0, axis=0)
        has_neg |= np.any(rows < 0, axis=0)
    return {j: (-np.inf if has_pos[j] else np.inf) for j in range(k)
            if j not in skip and not on_count[j] and has_pos[j] != has_neg[j]}


def _as_categoricals(data: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas Categoricals whose categories are patsy's sorted levels.

    Patsy reads the levels and codes of a Categorical directly, where it loops over every value
    of an object column in Python (twice per factor: seconds for each factor at 600,000 rows).
    The levels are those patsy would find, in its order, so names and codings do not change.
    """
    from patsy.util import SortAnythingKey

    out = data.copy(deep=False)
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            values = out[col].to_numpy(dtype=object)
            try:
                codes, uniques = pd.factorize(values)
            except TypeError:  # unhashable values: leave them to patsy
                continue
            if (codes < 0).any():  # missing values: patsy reports them
                continue
            # patsy's sorted levels, and each value's position among them
            order = sorted(range(len(uniques)), key=lambda i: SortAnythingKey(uniques[i]))
            position = np.empty(len(order), dtype=np.intp)
            position[order] = np.arange(len(order))
            try:
                out[col] = pd.Categorical.from_codes(position[codes], categories=[uniques[i] for i in order])
            except (TypeError, ValueError):  # values pandas cannot take as categories: leave them to patsy
                continue
    return out


def _level_codes(factor_info, data) -> np.ndarray:
    """Integer codes of a categorical factor's values in patsy's level order (−1 never occurs).

    Patsy converts the values of ``C(x)`` one by one in Python; the codes of a pandas Categorical
    (see :func:`_as_categoricals`) are read directly when its categories are patsy's levels.
    """
    from patsy.categorical import categorical_to_int
    from patsy.missing import NAAction

    value = factor_info.factor.eval(factor_info.state, data)
    raw = getattr(value, "data", value)  # the data of C(x, ...)
    if isinstance(getattr(raw, "dtype", None), pd.CategoricalDtype):
        cat = pd.Categorical(raw)
        if tuple(cat.categories) != tuple(factor_info.categories):
            cat = pd.Categorical(np.asarray(raw, dtype=object), categories=list(factor_info.categories))
        codes = np.asarray(cat.codes, dtype=np.intp)
    else:
        codes = np.asarray(categorical_to_int(value, tuple(factor_info.categories), NAAction(NA_types=[]),
                                              origin=factor_info.factor), dtype=np.intp)
    if (codes < 0).any():
        raise ValueError(f"{factor_info.factor.name()} has missing values or values outside its levels")
    return codes


def _dense_design(info, data) -> np.ndarray:
    """The design matrix of ``info`` (a patsy DesignInfo) on ``data``, equal to patsy's.

    The intercept and single categorical terms are filled from level codes and the term's contrast
    matrix; every other term (numeric, interactions) is built by patsy.
    """
    import patsy

    n = len(data)
    X = np.empty((n, len(info.column_names)))
    rest = []
    for term, sl in info.term_slices.items():
        if not term.factors:
            X[:, sl] = 1.0
            continue
        codings = info.term_codings[term]
        if len(term.factors) == 1 and len(codings) == 1 and info.factor_infos[term.factors[0]].type == "categorical":
            matrix = np.asarray(codings[0].contrast_matrices[term.factors[0]].matrix, dtype=float)
            codes = _level_codes(info.factor_infos[term.factors[0]], data)
            for rows in _chunks(n):  # block by block: no n × levels temporary
                X[rows, sl] = matrix[codes[rows]]
            continue
        rest.append(term)
    if rest:
        sub = info.subset(rest)
        built = np.asarray(patsy.build_design_matrices([sub], data, NA_action="raise")[0], dtype=float)
        for term in rest:
            X[:, info.term_slices[term]] = built[:, sub.term_slices[term]]
    return X


def _within(X, codes, n_levels):
    """X'X after removing the level means of ``codes`` (plain X'X when None), the means and column norms²."""
    k = X.shape[1]
    means = None
    if codes is not None:
        counts = np.maximum(np.bincount(codes, minlength=n_levels), 1).astype(float)
        means = np.stack([np.bincount(codes, weights=X[:, j], minlength=n_levels) for j in range(k)], axis=1)
        means = means.reshape(n_levels, k) / counts[:, None]
    A = np.zeros((k, k))
    norm2 = np.zeros(k)
    for sl in _chunks(len(X)):
        norm2 += np.sum(X[sl] ** 2, axis=0)
        Xc = X[sl] - means[codes[sl]] if codes is not None else X[sl]
        A += Xc.T @ Xc
    return A, means, norm2


def _dependent_columns(X, codes, n_levels) -> list[int]:
    """Columns of X that are constant or linear combinations of earlier ones, given the level effects.

    The check is on X after removing the level means of ``codes`` (the within transformation; the
    plain X when ``codes`` is None), so columns collinear with the absorbed effects are caught too.
    """
    k = X.shape[1]
    if k == 0:
        return []
    A, _, norm2 = _within(X, codes, n_levels)
    scale = np.sqrt(np.maximum(np.diag(A), 0))
    bad, kept = [], []
    for j in range(k):
        if scale[j] <= 1e-12 * max(1.0, np.sqrt(norm2[j])):
            bad.append(j)
            continue
        resid = 1.0
        if kept:
            R = A[np.ix_(kept, kept)] / np.outer(scale[kept], scale[kept])
            r = A[kept, j] / (scale[kept] * scale[j])
            resid = 1.0 - r @ np.linalg.lstsq(R, r, rcond=None)[0]
        (kept if resid > 1e-10 else bad).append(j)
    return bad


def _null_directions(X, codes, n_levels) -> list[tuple[np.ndarray, np.ndarray]]:
    """Directions (b, c) of the dense and level coefficients with X b + c[codes] = 0 on every row."""
    k = X.shape[1]
    if k == 0:
        return []
    A, means, norm2 = _within(X, codes, n_levels)
    scale = np.sqrt(np.maximum(np.diag(A), 0))
    flat = scale <= 1e-12 * np.maximum(1.0, np.sqrt(norm2))
    out = []
    for j in np.flatnonzero(flat):
        b = np.zeros(k)
        b[j] = 1.0
        out.append(b)
    idx = np.flatnonzero(~flat)
    if len(idx):
        vals, vecs = np.linalg.eigh(A[np.ix_(idx, idx)] / np.outer(scale[idx], scale[idx]))
        for v in vecs[:, vals < 1e-9 * max(1.0, vals.max())].T:
            b = np.zeros(k)
            b[idx] = v / scale[idx]
            out.append(b)
    return [(b, -(means @ b) if means is not None else np.zeros(0)) for b in out]


def _treatment_reference(matrix) -> int | None:
    """The reference level of a treatment contrast matrix (None for full-rank identity coding).

    Raises :class:`UnsupportedModel` for any other coding (sum, Helmert, …).
    """
    m = np.asarray(matrix)
    n = m.shape[0]
    if m.shape == (n, n) and np.array_equal(m, np.eye(n)):
        return None
    if m.shape == (n, n - 1):
        for ref in range(n):
            if np.array_equal(m, np.delete(np.eye(n), ref, axis=1)):
                return ref
    raise UnsupportedModel("the absorbed term must have treatment coding")


def _absorbable(info, term) -> str | None:
    """Why ``term`` cannot be absorbed, or None when it can."""
    if len(term.factors) != 1:
        return "it is an interaction"
    (factor,) = term.factors
    if info.factor_infos[factor].type != "categorical":
        return "it is not categorical"
    if any(factor in t.factors for t in info.terms if t is not term):
        return "its factor also appears in an interaction"
    try:
        ref = _treatment_reference(info.term_codings[term][0].contrast_matrices[factor].matrix)
    except UnsupportedModel as exc:
        return str(exc)
    if ref is not None and "Intercept" not in info.column_names:
        return "the formula has no intercept"
    return None


def _choose_absorbed(info, absorb, cluster_column):
    """The patsy term to absorb: named, found by the cluster column, or the largest categorical one."""
    if absorb is None:
        return None
    single = [t for t in info.terms if len(t.factors) == 1]
    if absorb == "auto":
        if cluster_column is not None:
            wanted = {cluster_column, f"C({cluster_column})"}
            hit = [t for t in single if t.name().replace(" ", "") in wanted]
            if hit:
                why = _absorbable(info, hit[0])
                if why:
                    raise UnsupportedModel(f"{hit[0].name()} cannot be absorbed: {why}")
                return hit[0]
        candidates = [(len(info.factor_infos[t.factors[0]].categories), i, t) for i, t in enumerate(single)
                      if _absorbable(info, t) is None]
        candidates = [c for c in candidates if c[0] >= ABSORB_MIN_LEVELS]
        return max(candidates, key=lambda c: (c[0], -c[1]))[2] if candidates else None
    target = absorb.replace(" ", "")
    hit = [t for t in info.terms if t.name().replace(" ", "") in (target, f"C({target})")]
    if not hit:
        raise UnsupportedModel(f"no term {absorb!r} in the formula (terms: {[t.name() for t in info.terms]})")
    why = _absorbable(info, hit[0])
    if why:
        raise UnsupportedModel(f"{hit[0].name()} cannot be absorbed: {why}")
    return hit[0]


def _chunks(n: int):
    for start in range(0, n, _CHUNK):
        yield slice(start, min(start + _CHUNK, n))


# -- likelihood and derivatives ------------------------------------------------------------------------
class _Problem:
    """Log-likelihood, score and Hessian in the internal parameters θ = (β, δ, log α).

    β are the dense coefficients, δ one effect per active absorbed level (no reference level: the
    intercept, when there is one, is δ of the reference level), log α only for NB.
    """

    def __init__(self, design: _Design, family: str):
        self.d, self.family = design, family
        self.k = design.X.shape[1]
        self.G = design.n_active if design.g is not None else 0
        self.p = self.k + self.G + (family == "negbin")
        y = design.y
        self.ypos = y > 0
        self.logy_gamma = special.gammaln(y + 1)  # Poisson constant
        self._ind = None
        # counts take few distinct values: functions of y alone are evaluated once per value
        self._y_values, self._y_at = np.unique(y, return_inverse=True)
        first = int(np.searchsorted(self._y_values, 0, side="right"))  # the positive values start here
        self._ypos_values, self._ypos_at = self._y_values[first:], self._y_at[self.ypos] - first

    def _of_y(self, func, a):
        """``func(y + a)`` for every row, evaluated once per distinct count."""
        return func(self._y_values + a)[self._y_at]

    def split(self, theta):
        k, G = self.k, self.G
        return theta[:k], theta[k:k + G], (theta[k + G] if self.family == "negbin" else None)

    def eta(self, theta):
        beta, delta, _ = self.split(theta)
        eta = self.d.X @ beta + self.d.offset
        if self.G:
            eta += delta[self.d.g]
        return eta

    def loglike(self, theta) -> float:
        return float(np.sum(self._loglike_obs(theta, self.eta(theta))))

    def _loglike_obs(self, theta, eta):
        y = self.d.y
        with np.errstate(over="ignore", invalid="ignore"):
            mu = np.exp(eta)
            if self.family == "poisson":
                return y * eta - mu - self.logy_gamma
            alpha = np.exp(self.split(theta)[2])
            a = 1.0 / alpha
            # lgamma(y + a) - lgamma(a) - lgamma(y + 1) = -log(y) - betaln(a, y) for y > 0, 0 for y = 0:
            # no cancellation of huge lgamma values when α is small
            ll = -(y + a) * np.log1p(alpha * mu) + y * (np.log(alpha) + eta)
            yp = self._ypos_values  # the distinct positive counts, then each row's
            ll[self.ypos] += (-np.log(yp) - special.betaln(a, yp))[self._ypos_at]
            return ll

    def alpha_score_at_zero(self, theta) -> float:
        """∂ll/∂α at α = 0 for the mean at θ, times 2: Σ[(y − μ)² − y] (the overdispersion score)."""
        mu = np.exp(self.eta(theta))
        return float(np.sum((self.d.y - mu) ** 2 - self.d.y))

    def obs_derivatives(self, theta):
        """Per-row pieces: ll, score in η, −∂²ll/∂η², and for NB ∂ll/∂τ, ∂²ll/∂η∂τ, ∂²ll/∂τ² (τ = log α)."""
        y = self.d.y
        eta = self.eta(theta)
        mu = np.exp(eta)
        ll = self._loglike_obs(theta, eta)
        if self.family == "poisson":
            return ll, y - mu, mu, None, None, None
        alpha = np.exp(self.split(theta)[2])
        a = 1.0 / alpha
        q = 1.0 + alpha * mu
        s = (y - mu) / q
        w = mu * (1.0 + alpha * y) / q ** 2
        dig = self._of_y(special.digamma, a) - special.digamma(a)
        l_a = dig - np.log1p(alpha * mu) + alpha * (mu - y) / q            # ∂ll/∂a, a = 1/α
        l_aa = (self._of_y(_trigamma, a) - special.polygamma(1, a) + alpha * alpha * mu / q
                - alpha * alpha * (mu - y) / q ** 2)                          # ∂²ll/∂a²
        l_t = -a * l_a
        l_et = -alpha * mu * (y - mu) / q ** 2
        l_tt = a * a * l_aa + a * l_a
        return ll, s, w, l_t, l_et, l_tt

    def _indicators(self):
        """Per block of rows, the sparse G × rows matrix of absorbed levels (built once)."""
        if self._ind is None:
            d, G = self.d, self.G
            self._ind = [sparse.csr_matrix((np.ones(sl.stop - sl.start), (d.g[sl], np.arange(sl.stop - sl.start))),
                                           shape=(G, sl.stop - sl.start)) for sl in _chunks(len(d.y))]
        return self._ind

    def blocks(self, w, v=None, u=None, sign=1.0):
        """A symmetric p × p matrix of weighted sums over rows of z_i z_iᵀ, z_i = (x_i, e_{g_i}, τ).

        ``w`` (≥ 0) weights the (x, level) × (x, level) part, which is multiplied by ``sign``;
        ``v`` gives the cross terms with τ and ``u`` the τ × τ entry. The level part uses level
        sums, never the n × G dummies.
        """
        d, k, G = self.d, self.k, self.G
        out = np.zeros((self.p, self.p))
        xx = np.zeros((k, k), order="F")
        cross = np.zeros((G, k))
        root = np.sqrt(w)
        for sl, ind in zip(_chunks(len(d.y)), self._indicators() if G else repeat(None)):
            Z = d.X[sl] * root[sl, None]
            if k:
                xx = blas.dsyrk(1.0, Z.T, beta=1.0, c=xx, trans=0, lower=0, overwrite_c=1)
            if G:
                cross += ind @ (Z * root[sl, None])
        out[:k, :k] = sign * (np.triu(xx) + np.triu(xx, 1).T)
        if G:
            out[k:k + G, :k] = sign * cross
            out[:k, k:k + G] = sign * cross.T
            out[np.arange(k, k + G), np.arange(k, k + G)] = sign * np.bincount(d.g, weights=w, minlength=G)
        if v is not None:
            t = k + G
            out[:k, t] = out[t, :k] = d.X.T @ v
            if G:
                out[k:k + G, t] = out[t, k:k + G] = np.bincount(d.g, weights=v, minlength=G)
            out[t, t] = np.sum(u)
        return out

    def gradient_hessian(self, theta):
        ll, s, w, l_t, l_et, l_tt = self.obs_derivatives(theta)
        d, k, G = self.d, self.k, self.G
        grad = np.empty(self.p)
        grad[:k] = d.X.T @ s
        if G:
            grad[k:k + G] = np.bincount(d.g, weights=s, minlength=G)
        if self.family == "negbin":
            grad[-1] = np.sum(l_t)
        hess = self.blocks(w, l_et, l_tt, sign=-1.0) if self.family == "negbin" else self.blocks(w, sign=-1.0)
        return float(np.sum(ll)), grad, hess

    def score_sums(self, theta, by):
        """Score contributions summed within each value of ``by`` (codes 0..C-1): a C × p array."""
        _, s, _, l_t, _, _ = self.obs_derivatives(theta)
        d, k, G = self.d, self.k, self.G
        C = int(by.max()) + 1 if len(by) else 0
        out = np.zeros((C, self.p))
        sX = np.zeros((C, k))
        for sl in _chunks(len(d.y)):
            sXc = d.X[sl] * s[sl, None]
            for j in range(k):
                sX[:, j] += np.bincount(by[sl], weights=sXc[:, j], minlength=C)
        out[:, :k] = sX
        if G:
            idx = by.astype(np.int64) * G + d.g
            out[:, k:k + G] = np.bincount(idx, weights=s, minlength=C * G).reshape(C, G)
        if self.family == "negbin":
            out[:, -1] = np.bincount(by, weights=l_t, minlength=C)
        return out

    def outer_scores(self, theta):
        """Σ_i score_i score_iᵀ over rows (the meat of the heteroskedasticity-robust covariance)."""
        _, s, _, l_t, _, _ = self.obs_derivatives(theta)
        if self.family == "negbin":
            return self.blocks(s * s, s * l_t, l_t * l_t)
        return self.blocks(s * s)


def _newton(problem: _Problem, theta, *, maxiter: int, tol: float, free=None):
    """Newton–Raphson with step halving; returns θ, llf, gradient, Hessian, iterations, converged, free.

    ``free`` marks the parameters being estimated. NB's log α is held at :data:`ALPHA_FLOOR` when a
    step would take it below, and freed again (a few times at most) when the score of α at α = 0,
    ½ Σ[(y − μ)² − y], says the likelihood rises with α. That score is used rather than the
    derivative in log α, which is all rounding error at α ≈ 1e-8.
    """
    p = problem.p
    free = np.ones(p, dtype=bool) if free is None else free.copy()
    nb = problem.family == "negbin"
    floor = np.log(ALPHA_FLOOR)
    llf, grad, hess = problem.gradient_hessian(theta)
    converged, it, releases = False, 0, 0
    while it < maxiter:
        if nb and not free[-1] and releases < 3 and problem.alpha_score_at_zero(theta) > 0:
            free[-1], releases = True, releases + 1
        if not (np.isfinite(llf) and np.isfinite(grad[free]).all() and np.isfinite(hess[np.ix_(free, free)]).all()):
            break
        step = np.zeros(p)
        step[free] = _solve_pd(-hess[np.ix_(free, free)], grad[free])
        if float(grad[free] @ step[free]) < tol:  # Newton decrement: twice the gain left in llf
            converged = True
            break
        it += 1
        t, accepted = 1.0, False
        for _ in range(60):
            cand = theta + t * step
            if nb and free[-1] and cand[-1] < floor:
                cand[-1] = floor
            ll_c = problem.loglike(cand)
            if np.isfinite(ll_c) and ll_c >= llf - 1e-13 * (1.0 + abs(llf)):
                accepted = True
                break
            t /= 2
        if not accepted:
            break
        small = t == 1.0 and np.max(np.abs(cand - theta)) < 1e-12 * (1.0 + np.max(np.abs(theta)))
        theta = cand
        if nb and free[-1] and theta[-1] <= floor:
            free[-1] = False
        llf, grad, hess = problem.gradient_hessian(theta)
        if small:
            converged = True
            break
    if nb and theta[-1] <= floor:
        free[-1] = False
    return theta, llf, grad, hess, it, converged, free


def _solve_pd(A, b):
    """Solve A x = b for a symmetric A that should be positive definite, damping it when it is not."""
    diag = np.abs(np.diag(A))
    scale = float(np.mean(diag)) if len(diag) and np.mean(diag) > 0 else 1.0
    for lam in (0.0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0):
        try:
            c = linalg.cho_factor(A + lam * scale * np.eye(len(A)), lower=True, check_finite=False)
        except linalg.LinAlgError:
            continue
        x = linalg.cho_solve(c, b, check_finite=False)
        if np.isfinite(x).all():
            return x
    return np.linalg.lstsq(A, b, rcond=None)[0]


def _start(problem: _Problem) -> np.ndarray:
    """Start values: rate of the outcome per exposure by absorbed level (or overall), zero slopes."""
    d = problem.d
    theta = np.zeros(problem.p)
    ex = np.exp(d.offset)
    if problem.G:
        ysum = np.bincount(d.g, weights=d.y, minlength=problem.G)
        exsum = np.bincount(d.g, weights=ex, minlength=problem.G)
        theta[problem.k:problem.k + problem.G] = np.log(ysum / exsum)
    elif "Intercept" in d.dense_names:
        theta[d.dense_names.index("Intercept")] = np.log(d.y.sum() / ex.sum())
    return theta


# -- results ---------------------------------------------------------------------------------------------
class CountFit:
    """Results of :func:`fit_count`, with the attributes of statsmodels' results that the project uses.

    Attributes
    ----------
    params : Series
        Estimates under statsmodels' names and in its order; NB's dispersion ``alpha`` last, on the
        α scale. Parameters whose maximum is at infinity are ±∞ (see ``diverged``).
    bse, tvalues, pvalues : Series
        Standard errors, z statistics and two-sided normal p-values (statsmodels' ``use_t=False``);
        missing for the parameters in ``diverged`` and for α held at :data:`ALPHA_FLOOR`.
    nobs : int
        Rows used, including ``rows_at_limit`` (statsmodels counts them).
    llf : float
        Log-likelihood at the estimates (at the limit, when some parameters are at ±∞).
    converged : bool
    mle_retvals : dict
        ``converged``, ``iterations`` (Newton steps of all stages), ``alpha_at_floor``.
    cov_type : str
        ``"cluster"``, ``"HC1"`` or ``"nonrobust"``.
    n_clusters : int or None
        Clusters of the cluster-robust covariance.
    family, formula, absorbed : str
        The family, the formula and the absorbed term (None when every term is dense).
    diverged : list of str
        Parameters with no finite estimate: effects of absorbed levels whose outcome is all zero,
        of dense columns that are non-zero only on zero counts, and, after a separation that
        involves several columns (the reference level of a factor with only zero counts, say), the
        parameters that only those rows pinned down. They are ±∞ (NaN where the limit has no sign).
    rows_at_limit : Index
        Labels of the rows of ``data`` that have no part in the estimates: zero counts whose expected
        count is 0 at the maximum. Refitting without them gives the finite estimates again.
    kommunsocial : dict
        Set by :func:`kommunsocial.engagement.fit`: how the model was specified.
    """

    use_t = False

    def __init__(self, *, params, cov, llf, nobs, converged, iterations, cov_type, family, formula,
                 absorbed, n_clusters, alpha_at_floor, endog_name, rows_at_limit):
        self.params = params
        self._cov = cov
        self.bse = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.tvalues = self.params / self.bse
        self.pvalues = pd.Series(2 * stats.norm.sf(np.abs(self.tvalues.to_numpy())), index=params.index)
        self.llf = float(llf)
        self.nobs = int(nobs)
        self.converged = bool(converged)
        self.mle_retvals = {"converged": bool(converged), "iterations": int(iterations),
                            "alpha_at_floor": bool(alpha_at_floor)}
        self.cov_type = cov_type
        self.family, self.formula, self.absorbed = family, formula, absorbed
        self.endog_name = endog_name
        self.diverged = [name for name, value in params.items() if not np.isfinite(value)]
        self.rows_at_limit = rows_at_limit
        self.n_clusters = n_clusters
        self.kommunsocial: dict = {}

    def cov_params(self) -> pd.DataFrame:
        """Covariance matrix of the estimates (a copy), indexed by parameter name."""
        return self._cov.copy()

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal ``1 - alpha`` confidence intervals: columns 0 (lower) and 1 (upper), as statsmodels."""
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame({0: self.params - z * self.bse, 1: self.params + z * self.bse})

    def summary(self, *, alpha: float = 0.05) -> pd.DataFrame:
        """One row per parameter: coefficient, standard error, z, p-value and confidence interval."""
        ci = self.conf_int(alpha)
        lo, hi = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        return pd.DataFrame({"coef": self.params, "std err": self.bse, "z": self.tvalues, "P>|z|": self.pvalues,
                             lo: ci[0], hi: ci[1]})

    def __repr__(self) -> str:
        absorbed = f", absorbed {self.absorbed}" if self.absorbed else ""
        return (f"<CountFit {self.family} {self.endog_name}: {self.nobs} rows, {len(self.params)} parameters"
                f"{absorbed}, {self.cov_type} covariance, converged={self.converged}>")


# -- the fit ---------------------------------------------------------------------------------------------
def fit_count(formula: str, data: pd.DataFrame, *, family: str = "negbin", exposure=None, offset=None,
              cov_type: str = "nonrobust", groups=None, absorb="auto", maxiter: int = 200, tol: float = 1e-16,
              eval_env=0) -> CountFit:
    """Fit an NB2 or Poisson model by exact maximum likelihood, absorbing one categorical term.

    Parameters
    ----------
    formula : str
        Patsy formula, as for statsmodels' formula API.
    data : DataFrame
        Rows without missing values in the columns the formula uses (``fit`` prepares them); the
        outcome must be counts ≥ 0.
    family : "negbin" or "poisson"
        NB2 (variance μ + αμ², α by maximum likelihood: ``smf.negativebinomial``) or Poisson
        (``smf.glm(..., family=Poisson())``).
    exposure, offset : str, array-like or None
        Exposure (column name or one value per row, > 0; ``log(exposure)`` enters as an offset) and
        offset, as in statsmodels.
    cov_type : "nonrobust", "cluster" or "HC1"
        ``nonrobust``: inverse of the observed information. ``cluster``: the sandwich
        H⁻¹ (Σ_c s_c s_cᵀ) H⁻¹ over the clusters in ``groups`` with statsmodels' factor
        C/(C−1) · (N−1)/(N−K), K the number of parameters (with α for NB). ``HC1``: the sandwich
        over rows, as statsmodels computes its ``HC1`` for these models — without a small-sample
        factor (statsmodels' discrete and GLM results fall back to the uncorrected White matrix).
    groups : str, array-like or None
        Cluster of each row (column name or values), for ``cov_type="cluster"``.
    absorb : "auto", str or None
        The term whose dummies are not built. ``"auto"``: the term of the cluster column (``groups``
        given by name, e.g. ``C(page_id)``) when the formula has it, else the single categorical term
        with the most levels if it has at least :data:`ABSORB_MIN_LEVELS`. A term or column name
        absorbs that term; None builds every column densely (plain Newton).
    maxiter : int
        Newton iterations at most, per stage (a Poisson fit first, then NB from it; again after
        setting aside rows at the limit of a separation).
    tol : float
        Convergence: the Newton decrement gᵀ(−H)⁻¹g, i.e. twice the remaining gain in
        log-likelihood, below ``tol``.
    eval_env : int or patsy.EvalEnvironment
        Where names in the formula (``np.log`` …) are looked up: 0 is the caller's namespace.

    Returns
    -------
    CountFit

    Raises
    ------
    CollinearityError
        When dense columns are perfectly collinear (with each other or with the absorbed effects);
        statsmodels fails with a singular matrix there.
    UnsupportedModel
        When the requested absorption is impossible (the term is in an interaction, lacks treatment
        coding or an intercept) or a column varies only within absorbed levels whose outcome is all
        zero. :func:`kommunsocial.engagement.fit` then uses statsmodels.

    Notes
    -----
    Where the likelihood rises without bound along some direction (a separation), statsmodels stops
    somewhere on the way — a large negative coefficient, or Newton fails and BFGS ends early — while
    the estimates here are those at the limit, exactly:

    - absorbed levels whose outcome is all zero have an effect of −∞;
    - dense columns of one sign that are zero wherever the count is positive (a topic whose posts
      all have zero comments) have a coefficient of ∓∞;
    - other separations (the reference level of a factor having only zero counts) are found after
      Newton converges, by the zero counts whose expected count is below :data:`LIMIT_MU`; the
      parameters that only those rows pinned down become ±∞.

    Those rows add nothing to the likelihood at the limit, so the other parameters are estimated
    without them (``rows_at_limit``); the infinite ones are listed in ``diverged`` with missing
    standard errors, while ``nobs``, the number of clusters and K in the small-sample factor still
    count them as statsmodels does.

    NB is fitted in log α and reported on the α scale with a delta-method standard error; at the
    maximum the covariance is the same as statsmodels' (which works in α). Cameron & Trivedi (2013),
    *Regression Analysis of Count Data*, ch. 3, give the NB2 score and Hessian.
    """
    import patsy

    if family not in ("negbin", "poisson"):
        raise ValueError("family must be 'negbin' or 'poisson'")
    if cov_type not in ("nonrobust", "cluster", "HC1"):
        raise ValueError("cov_type must be 'nonrobust', 'cluster' or 'HC1'")
    if cov_type == "cluster" and groups is None:
        raise ValueError("cov_type='cluster' needs groups")
    if isinstance(eval_env, int):
        eval_env = patsy.EvalEnvironment.capture(eval_env + 1)
    with _one_blas_thread():
        design = _Design(formula, data, exposure=exposure, offset=offset,
                         groups=groups if cov_type == "cluster" or isinstance(groups, str) else None,
                         absorb=absorb, eval_env=eval_env)
        return _estimate(design, family=family, cov_type=cov_type, maxiter=maxiter, tol=tol)


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


#: Zero counts whose expected count falls below this at convergence are taken to be at the limit
#: of a separating direction (their coefficients at ±∞): see :func:`_set_aside`.
LIMIT_MU = 1e-12


def _fit_design(design: _Design, family: str, *, maxiter: int, tol: float, start=None, free=None):
    """Newton on one design: Poisson, then NB from it (or from ``start``)."""
    if start is None:
        poisson = _Problem(design, "poisson")
        theta, llf, grad, hess, iters, converged, free = _newton(poisson, _start(poisson), maxiter=maxiter, tol=tol)
        if family == "poisson":
            return poisson, theta, llf, hess, iters, converged, free
        problem = _Problem(design, "negbin")
        mu = np.exp(poisson.eta(theta))
        excess = float(np.sum((design.y - mu) ** 2 - design.y) / np.sum(mu ** 2))  # moments estimate of α
        free = np.ones(problem.p, dtype=bool)
        if excess > 0:
            start = np.append(theta, np.log(min(max(excess, 1e-2), 1e2)))
        else:  # no overdispersion: the maximum is at α = 0, the Poisson fit
            start, free[-1] = np.append(theta, np.log(ALPHA_FLOOR)), False
        theta, llf, grad, hess, it_nb, converged, free = _newton(problem, start, maxiter=maxiter, tol=tol, free=free)
        return problem, theta, llf, hess, iters + it_nb, converged, free
    problem = _Problem(design, family)
    theta, llf, grad, hess, iters, converged, free = _newton(problem, start, maxiter=maxiter, tol=tol, free=free)
    return problem, theta, llf, hess, iters, converged, free


def _set_aside(design: _Design, problem: _Problem, theta, limit):
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
    for b, c in _null_directions(design.X[keep], g, problem.G):
        v = np.zeros(problem.p)
        v[:k], v[k:k + problem.G] = b, c
        load = np.abs(T @ v)
        for i in np.flatnonzero(finite & (load > 1e-6 * load.max())):
            fixed[int(i)] = np.copysign(np.inf, estimate[i]) if estimate[i] != 0 else np.nan
    drop = _dependent_columns(design.X[keep], g, problem.G)
    new = design.restrict(keep, drop, theta[:k])
    new.fixed.update(fixed)
    return new, np.delete(theta, drop), drop


def _estimate(design: _Design, *, family: str, cov_type: str, maxiter: int, tol: float) -> CountFit:
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
    return CountFit(params=params, cov=cov_out, llf=llf, nobs=design.nobs, converged=converged,
                    iterations=iters, cov_type=cov_type, family=family, formula=design.formula,
                    absorbed=design.absorbed, n_clusters=design.n_clusters, alpha_at_floor=alpha_at_floor,
                    endog_name=design.endog_name, rows_at_limit=design.index[~design.active])


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
        fe_cols = range(design.fe_slice.start, design.fe_slice.stop)
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


def _to_output(design: _Design, problem: _Problem, theta, cov_int):
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
