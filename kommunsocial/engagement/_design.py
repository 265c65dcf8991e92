"""Design matrices of the count models, and which of their columns the data can identify.

The package's formulas are main effects — ``y ~ C(a) + C(b, Treatment('ref')) + x`` — which are
built here from the data directly: levels by one ``pandas.factorize``, names and column order as
patsy gives them (the intercept, the categorical terms as written, then the numeric ones), and the
term of the fixed effects that are absorbed (``C(page_id)``) as integer codes, never as dummies.
Any other formula (interactions, transformations, no intercept) is built by patsy's public
``dmatrices``, densely. Nothing here uses patsy's internals.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import KommunsocialError

__all__ = ["ModelError", "UnsupportedModel", "NotEstimable", "Term", "Matrices", "build", "collinear_columns",
           "null_directions", "chunks", "ABSORB_MIN_LEVELS"]

#: Without a term of the cluster column, the largest categorical term is absorbed when it has at
#: least this many levels (fewer dummies are cheap to build densely).
ABSORB_MIN_LEVELS = 10

_CHUNK = 1 << 16  # rows per block in the weighted cross-products: bounded temporary memory


class ModelError(KommunsocialError, ValueError):
    """A count model that cannot be specified or estimated as asked."""


class UnsupportedModel(ModelError):
    """A formula or an argument the count models do not take."""


class NotEstimable(ModelError):
    """Nothing can be estimated from these posts (none with every value, or no count above 0)."""


_C = re.compile(r"^C\((\w+)\)$")
_C_TREATMENT = re.compile(r"^C\((\w+), *Treatment\((?:reference *= *)?(.+)\)\)$")
_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass
class Term:
    """One main-effect term: a categorical with treatment coding, or a numeric column.

    ``levels`` are the observed values in patsy's order (sorted; a pandas Categorical's own order);
    ``reference`` the level without a column (the first, or the one named in ``Treatment``).
    """

    name: str
    column: str
    categorical: bool
    levels: list = field(default_factory=list)
    reference: object = None

    @property
    def names(self) -> list[str]:
        if not self.categorical:
            return [self.name]
        return [f"{self.name}[T.{level}]" for level in self.levels if level != self.reference]

    def codes(self, values) -> np.ndarray:
        """Position of each value among ``levels`` (−1 for a value not seen in the fit, or missing)."""
        index = pd.Index(self.levels, dtype=object)
        return np.asarray(index.get_indexer(pd.Series(values).astype(object)), dtype=np.intp)

    def columns(self, values) -> np.ndarray:
        """The term's design columns for ``values`` (NaN rows for unseen levels)."""
        if not self.categorical:
            return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)[:, None]
        codes = self.codes(values)
        keep = [i for i, level in enumerate(self.levels) if level != self.reference]
        matrix = np.vstack([np.eye(len(self.levels))[:, keep], np.full((1, len(keep)), np.nan)])
        return matrix[codes]


@dataclass
class Matrices:
    """Outcome, dense design and absorbed codes of one model on the rows of the data.

    ``names`` are every coefficient's name in patsy's order, the absorbed term's included; ``X``
    has the ``dense`` ones (without the intercept when a term is absorbed: the reference level's
    effect stands for it). ``codes`` are the absorbed term's levels (None when nothing is absorbed).
    """

    formula: str
    endog_name: str
    y: np.ndarray
    X: np.ndarray
    names: list
    dense: list
    terms: list
    absorbed: Term | None = None
    codes: np.ndarray | None = None
    patsy_info: object = None
    notes: list = field(default_factory=list)
    dropped: dict = field(default_factory=dict)

    @property
    def absorbed_names(self) -> list[str]:
        return self.absorbed.names if self.absorbed is not None else []


def _parse(formula: str, data: pd.DataFrame):
    """``(outcome column, [(name, column, reference or None, explicit C())])`` or None for patsy's builder."""
    import patsy

    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as exc:
        raise UnsupportedModel(f"the formula {formula!r} cannot be read: {exc}") from None
    lhs = desc.lhs_termlist
    if len(lhs) != 1 or len(lhs[0].factors) != 1 or not _NAME.match(lhs[0].factors[0].code) \
            or lhs[0].factors[0].code not in data.columns:
        return None
    outcome = lhs[0].factors[0].code
    if not any(not t.factors for t in desc.rhs_termlist):
        return None  # no intercept: patsy's full-rank coding of the first factor
    parsed = []
    for term in desc.rhs_termlist:
        if not term.factors:
            continue
        if len(term.factors) != 1:
            return None
        code = term.factors[0].code
        m, t = _C.match(code), _C_TREATMENT.match(code)
        if m and m.group(1) in data.columns:
            parsed.append((code, m.group(1), None, True))
        elif t and t.group(1) in data.columns:
            try:
                reference = ast.literal_eval(t.group(2))
            except (ValueError, SyntaxError):
                return None
            parsed.append((code, t.group(1), ("ref", reference), True))
        elif _NAME.match(code) and code in data.columns:
            parsed.append((code, code, None, False))
        else:
            return None
    return outcome, parsed


def _levels(values: pd.Series) -> tuple[np.ndarray, list]:
    """Codes and observed levels in patsy's order: sorted, or a Categorical's categories in order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes, dtype=np.intp)
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(values.cat.categories)))
        position = np.full(len(values.cat.categories), -1, dtype=np.intp)
        position[used] = np.arange(len(used))
        return position[codes], [values.cat.categories[i] for i in used]
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:
        raise UnsupportedModel(f"the values of column {values.name!r} are of several kinds that cannot be "
                               f"ordered; make them one type (text, say)") from None
    return np.asarray(codes, dtype=np.intp), [u.item() if hasattr(u, "item") else u for u in uniques]


def _is_categorical(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype))


def build(formula: str, data: pd.DataFrame, *, cluster: str | None, eval_env) -> Matrices:
    """The model's matrices on ``data`` (rows without missing values in the columns used).

    The absorbed term is the one of the ``cluster`` column when the formula has it, else the
    largest categorical term with at least :data:`ABSORB_MIN_LEVELS` levels. A categorical term
    whose reference level does not occur, or with one level, has no columns (a note says so).
    """
    parsed = _parse(formula, data)
    if parsed is None:
        return _build_patsy(formula, data, eval_env)
    outcome, parsed = parsed
    y = np.asarray(data[outcome], dtype=float)
    terms, codes_of, notes, dropped = [], {}, [], {}
    for name, column, reference, explicit in parsed:
        values = data[column]
        if not explicit and not _is_categorical(values):
            terms.append(Term(name, column, False))
            continue
        codes, levels = _levels(values)
        ref = reference[1] if reference else (levels[0] if levels else None)
        if reference and ref not in levels:
            notes.append(f"{name}: no post has the reference level {ref!r}, so the term is left out")
            for level in levels:
                dropped[f"{name}[T.{level}]"] = f"the reference level {ref!r} does not occur"
            continue
        if len(levels) < 2:
            notes.append(f"{name}: every post has the same value ({levels[0]!r}), so the term has no effects")
        terms.append(Term(name, column, True, levels, ref))
        codes_of[name] = codes
    categorical = [t for t in terms if t.categorical]
    ordered = categorical + [t for t in terms if not t.categorical]  # patsy: categorical terms first
    absorbed = None
    wanted = [t for t in categorical if cluster is not None and t.column == cluster and len(t.levels) > 1]
    if wanted:
        absorbed = wanted[0]
    else:
        big = [t for t in categorical if len(t.levels) >= ABSORB_MIN_LEVELS]
        absorbed = max(big, key=lambda t: len(t.levels)) if big else None
    names = ["Intercept"] + [n for t in ordered for n in t.names]
    dense_terms = [t for t in ordered if t is not absorbed]
    dense = ([] if absorbed is not None else ["Intercept"]) + [n for t in dense_terms for n in t.names]
    X = np.empty((len(data), len(dense)))
    col = 0
    if absorbed is None:
        X[:, 0] = 1.0
        col = 1
    for term in dense_terms:
        width = len(term.names)
        if term.categorical:
            keep = [i for i, level in enumerate(term.levels) if level != term.reference]
            matrix = np.eye(len(term.levels))[:, keep]
            codes = codes_of[term.name]
            for rows in chunks(len(data)):  # block by block: no n × levels temporary
                X[rows, col:col + width] = matrix[codes[rows]]
        else:
            X[:, col] = np.asarray(data[term.column], dtype=float)
        col += width
    codes = None
    if absorbed is not None:
        ref = absorbed.levels.index(absorbed.reference)
        codes = codes_of[absorbed.name]
        if ref:  # the reference level is code 0 internally: its effect is the intercept
            order = [ref] + [i for i in range(len(absorbed.levels)) if i != ref]
            position = np.empty(len(order), dtype=np.intp)
            position[order] = np.arange(len(order))
            codes = position[codes]
    return Matrices(formula=formula, endog_name=outcome, y=y, X=X, names=names, dense=dense, terms=ordered,
                    absorbed=absorbed, codes=codes, notes=notes, dropped=dropped)


def _build_patsy(formula: str, data: pd.DataFrame, eval_env) -> Matrices:
    """Any other formula, by patsy's public ``dmatrices``: every column dense, nothing absorbed."""
    import patsy

    frame = data.copy(deep=False)
    for col in frame.columns:  # patsy reads object columns; pandas' string dtype is not one it knows
        if isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].astype(object)
    try:
        lhs, rhs = patsy.dmatrices(formula, frame, eval_env=eval_env, NA_action="raise", return_type="dataframe")
    except patsy.PatsyError as exc:
        raise UnsupportedModel(f"the formula {formula!r} cannot be built: {exc}") from None
    if lhs.shape[1] != 1:
        raise UnsupportedModel(f"the formula {formula!r} needs exactly one outcome column")
    names = list(rhs.columns)
    return Matrices(formula=formula, endog_name=str(lhs.columns[0]), y=lhs.to_numpy(dtype=float)[:, 0],
                    X=np.ascontiguousarray(rhs.to_numpy(dtype=float)), names=names, dense=names, terms=[],
                    patsy_info=rhs.design_info)


def chunks(n: int):
    for start in range(0, n, _CHUNK):
        yield slice(start, min(start + _CHUNK, n))


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
    for sl in chunks(len(X)):
        norm2 += np.sum(X[sl] ** 2, axis=0)
        Xc = X[sl] - means[codes[sl]] if codes is not None else X[sl]
        A += Xc.T @ Xc
    return A, means, norm2


def _listing(names: list[str], most: int = 4) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def collinear_columns(X, codes, n_levels, names, absorbed: str | None) -> dict[int, str]:
    """Columns of X that the data cannot tell apart from earlier ones or the level effects, with why.

    The check is on X after removing the level means of ``codes`` (the within transformation;
    the plain X when ``codes`` is None), so columns constant within each absorbed level are caught
    as well as linear combinations of earlier columns — as fixest does, the later column goes.
    """
    k = X.shape[1]
    if k == 0:
        return {}
    A, _, norm2 = _within(X, codes, n_levels)
    scale = np.sqrt(np.maximum(np.diag(A), 0))
    bad, kept = {}, []
    effects = f"the fixed effects of {absorbed}" if absorbed else None
    for j in range(k):
        if norm2[j] == 0:
            bad[j] = "zero in every post used"
            continue
        if scale[j] <= 1e-12 * max(1.0, np.sqrt(norm2[j])):
            bad[j] = f"constant within each level of {absorbed}: collinear with {effects}" if absorbed \
                else "constant: collinear with the intercept"
            continue
        if kept:
            R = A[np.ix_(kept, kept)] / np.outer(scale[kept], scale[kept])
            r = A[kept, j] / (scale[kept] * scale[j])
            coef = np.linalg.lstsq(R, r, rcond=None)[0]
            if 1.0 - r @ coef <= 1e-10:
                parts = [names[kept[i]] for i in np.flatnonzero(np.abs(coef) > 1e-6)]
                with_effects = f" and {effects}" if effects else ""
                bad[j] = f"collinear: a linear combination of {_listing(parts)}{with_effects}"
                continue
        kept.append(j)
    return bad


def null_directions(X, codes, n_levels) -> list[tuple[np.ndarray, np.ndarray]]:
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
