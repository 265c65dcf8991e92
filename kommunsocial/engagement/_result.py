"""The one result type of the count models: estimates, inference, predictions and what was dropped."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from scipy import stats

from ._design import Matrices

__all__ = ["CountModelResult", "Summary"]


class Summary:
    """A fitted model as a readable table: header, one row per coefficient, dropped terms and notes.

    ``str()`` gives plain text, notebooks show HTML (every name escaped: level names come from the
    data); ``table`` is the coefficients as a DataFrame.
    """

    def __init__(self, header: dict, table: pd.DataFrame, dropped: dict, notes: list):
        self.header, self.table, self.dropped, self.notes = header, table, dropped, notes

    def __str__(self) -> str:
        lines = [f"{key}: {value}" for key, value in self.header.items()]
        lines += ["", self.table.to_string(float_format=lambda v: f"{v:.4g}")]
        if self.dropped:
            lines += ["", f"Dropped ({len(self.dropped)}), not estimated:"]
            lines += [f"  {name}: {why}" for name, why in self.dropped.items()]
        if self.notes:
            lines += ["", "Notes:"] + [f"  {note}" for note in self.notes]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                       for k, v in self.header.items())
        parts = [f"<table>{head}</table>", self.table.rename(index=html.escape, columns=html.escape).to_html(
            float_format=lambda v: f"{v:.4g}", escape=False)]  # names escaped here, numbers need none
        if self.dropped:
            items = "".join(f"<li>{html.escape(name)}: {html.escape(why)}</li>" for name, why in self.dropped.items())
            parts.append(f"<p>Dropped ({len(self.dropped)}), not estimated:</p><ul>{items}</ul>")
        if self.notes:
            parts.append("<p>Notes:</p><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>")
        return "".join(parts)


class CountModelResult:
    """A fitted NB2 or Poisson model of :func:`kommunsocial.engagement.fit`.

    Attributes
    ----------
    params : Series
        Estimates under statsmodels' names and in patsy's order; NB's dispersion ``alpha`` last, on
        the α scale. Terms in ``dropped`` are not among them. Parameters whose maximum is at
        infinity are ±∞ (see ``diverged``).
    bse, tvalues, pvalues : Series
        Standard errors, z statistics and two-sided normal p-values; missing for the parameters
        in ``diverged`` and for α held at the floor (data without overdispersion).
    nobs : int
        Posts used (with ``rows_at_limit``, as statsmodels counts them).
    llf, aic, bic : float
        Log-likelihood at the estimates, and the information criteria from it.
    alpha : float or None
        NB2's α (variance μ + αμ²); None for Poisson.
    dropped : dict
        Coefficient name → why it was not estimated (collinear with the fixed effects or with other
        columns, a reference level absent…), as fixest drops them: never an error.
    notes : list of str
        What else was decided on the way (one page: no fixed effects, errors not clustered…).
    cov_type : str
        ``"cluster"``, ``"HC1"`` or ``"nonrobust"``: the covariance actually computed.
    n_clusters : int or None
    diverged : list of str
        Parameters with no finite estimate (a page whose posts all have zero of the outcome: −∞).
    rows_at_limit : Index
        Labels of zero-count posts whose expected count is 0 at the maximum (no part in the
        finite estimates).
    converged : bool
    mle_retvals : dict
        ``converged``, ``iterations``, ``alpha_at_floor``.
    family, formula, endog_name, absorbed : str
        The absorbed term is the one whose effects were estimated without building its dummies.
    kommunsocial : dict
        How the model was specified (set by ``fit``: formula, family, exposure, cluster…).
    """

    use_t = False

    def __init__(self, *, params, cov, llf, nobs, converged, iterations, cov_type, family, matrices: Matrices,
                 absorbed, n_clusters, alpha_at_floor, rows_at_limit, dropped, notes):
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
        self.family, self.formula, self.endog_name = family, matrices.formula, matrices.endog_name
        self.absorbed = absorbed
        self.alpha = float(params["alpha"]) if family == "negbin" else None
        self.n_clusters = n_clusters
        self.diverged = [name for name, value in params.items() if not np.isfinite(value)]
        self.rows_at_limit = rows_at_limit
        self.dropped = dict(dropped)
        self.notes = list(notes)
        self._terms, self._patsy_info = matrices.terms, matrices.patsy_info
        self.kommunsocial: dict = {}

    @property
    def df_model(self) -> int:
        """Estimated parameters besides the intercept (α counted for NB, as in the AIC)."""
        return len(self.params) - ("Intercept" in self.params.index)

    @property
    def aic(self) -> float:
        return 2.0 * len(self.params) - 2.0 * self.llf

    @property
    def bic(self) -> float:
        return np.log(self.nobs) * len(self.params) - 2.0 * self.llf

    def cov_params(self) -> pd.DataFrame:
        """Covariance matrix of the estimates (a copy), indexed by parameter name."""
        return self._cov.copy()

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal ``1 - alpha`` confidence intervals: columns 0 (lower) and 1 (upper), as statsmodels."""
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame({0: self.params - z * self.bse, 1: self.params + z * self.bse})

    def summary(self, *, alpha: float = 0.05) -> Summary:
        """The model as a readable table (``str()`` for text; it is not printed here)."""
        ci = self.conf_int(alpha)
        lo, hi = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        table = pd.DataFrame({"coef": self.params, "std err": self.bse, "z": self.tvalues, "P>|z|": self.pvalues,
                              lo: ci[0], hi: ci[1]})
        family = "negative binomial (NB2)" if self.family == "negbin" else "Poisson"
        header = {"model": f"{family} of {self.endog_name}", "formula": self.formula, "posts": self.nobs,
                  "fixed effects absorbed": self.absorbed or "none",
                  "standard errors": self.cov_type + (f" ({self.n_clusters} clusters)" if self.cov_type == "cluster"
                                                      else ""),
                  "log-likelihood": f"{self.llf:.3f}", "converged": self.converged}
        return Summary(header, table, self.dropped, self.notes)

    def caveats(self) -> pd.DataFrame:
        """What a reader of the estimates must know: one row per dropped term and per note.

        Columns ``term`` (the dropped coefficient, or empty for a note) and ``note`` (why it was
        dropped, or the note); no rows when there is nothing to say.
        """
        rows = [{"term": name, "note": f"dropped: {why}"} for name, why in self.dropped.items()]
        rows += [{"term": "", "note": note} for note in self.notes]
        return pd.DataFrame(rows, columns=["term", "note"])

    def predict(self, data: pd.DataFrame, *, linear: bool = False) -> pd.Series:
        """Expected counts (``linear=True``: the linear predictor) for the rows of ``data``.

        ``data`` needs the formula's columns and, for a model with exposure, the exposure column.
        Dropped terms add nothing (as in fixest); a level not seen in the fit, or a missing value,
        gives NaN.
        """
        eta = pd.Series(self._linear(data), index=data.index)
        exposure = self.kommunsocial.get("exposure")
        if exposure:
            with np.errstate(divide="ignore", invalid="ignore"):
                eta = eta + np.log(pd.to_numeric(data[exposure], errors="coerce").astype(float).where(lambda v: v > 0))
        if linear:
            return eta
        with np.errstate(over="ignore"):
            return np.exp(eta)

    def _linear(self, data: pd.DataFrame) -> np.ndarray:
        params = self.params.drop("alpha", errors="ignore")
        eta = np.zeros(len(data))
        if self._patsy_info is not None:
            import patsy

            frame = data.copy(deep=False)
            for col in frame.columns:
                if isinstance(frame[col].dtype, pd.StringDtype):
                    frame[col] = frame[col].astype(object)
            (X,) = patsy.build_design_matrices([self._patsy_info], frame, NA_action="drop", return_type="dataframe")
            columns = [(X[name].to_numpy(dtype=float), params[name]) for name in X.columns if name in params.index]
            rows = data.index.get_indexer(X.index) if len(X) else np.array([], dtype=int)
            part = np.zeros(len(X))
            for values, coef in columns:
                part += _times(values, coef)
            eta[:] = np.nan
            eta[rows] = part
            return eta
        eta += params.get("Intercept", 0.0)
        for term in self._terms:
            values = term.columns(data[term.column])
            if term.categorical:  # a level not seen in the fit (or missing) has no prediction
                eta[term.codes(data[term.column]) < 0] = np.nan
            for j, name in enumerate(term.names):
                if name in params.index:
                    eta += _times(values[:, j], params[name])
        return eta

    def __repr__(self) -> str:
        absorbed = f", absorbed {self.absorbed}" if self.absorbed else ""
        dropped = f", {len(self.dropped)} dropped" if self.dropped else ""
        return (f"<CountModelResult {self.family} {self.endog_name}: {self.nobs} posts, {len(self.params)} parameters"
                f"{absorbed}{dropped}, {self.cov_type} covariance, converged={self.converged}>")


def _times(values: np.ndarray, coef: float) -> np.ndarray:
    """values × coef where a zero value adds 0 even to an infinite coefficient (an effect at −∞)."""
    with np.errstate(invalid="ignore"):
        return np.where(values == 0, 0.0, values * coef)
