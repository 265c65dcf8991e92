"""Log-likelihood, score and Hessian of NB2 and Poisson with absorbed level effects, and Newton's method.

The Hessian is assembled from its blocks — the dense X'WX, the level sums of w·x and the diagonal
of level sums of w — so the n × G dummy matrix of the absorbed effects is never formed.
Cameron, A. C. & Trivedi, P. K. (2013), *Regression Analysis of Count Data*, ch. 3, give the NB2
score and Hessian.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np
from scipy import linalg, sparse, special
from scipy.linalg import blas

from ._design import chunks

__all__ = ["ALPHA_FLOOR", "Problem", "newton", "start_values"]

#: NB's α is not taken below this: data with no overdispersion push the ML estimate to α = 0, the
#: Poisson model, where log α has no finite optimum. At the floor α is held fixed (and reported with
#: a missing standard error); the other coefficients are then those of a Poisson model.
ALPHA_FLOOR = 1e-8


def _trigamma(x):
    return special.polygamma(1, x)


class Problem:
    """Log-likelihood, score and Hessian in the internal parameters θ = (β, δ, log α).

    β are the dense coefficients, δ one effect per active absorbed level (no reference level: the
    intercept, when there is one, is δ of the reference level), log α only for NB.
    """

    def __init__(self, design, family: str):
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
                                           shape=(G, sl.stop - sl.start)) for sl in chunks(len(d.y))]
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
        for sl, ind in zip(chunks(len(d.y)), self._indicators() if G else repeat(None)):
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
        for sl in chunks(len(d.y)):
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


def newton(problem: Problem, theta, *, maxiter: int, tol: float, free=None):
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


def start_values(problem: Problem) -> np.ndarray:
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

