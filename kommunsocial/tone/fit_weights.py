"""Fit the formality index's published weights on the development set's train split (run once).

``python -m kommunsocial.tone.fit_weights`` prints the constants; ``--write`` replaces the block
between ``# BEGIN FITTED WEIGHTS`` and ``# END FITTED WEIGHTS`` in ``kommunsocial/tone/index.py``.
The real development set's texts are not shipped, but their feature counts are
(``kommunsocial/data/tone/realdev_features.csv``: no text, only what the fit needs), and their
train split joins the fit. ``--write-features FILE`` rewrites that table from a local copy of the
texts (``python -m realdev --export FILE`` in ``benchmarks/``), after a change to the features.
The fit is deterministic (L-BFGS on a convex objective, no randomness): the same data gives the
same constants. Only the train split is used; the test split stays untouched for evaluation.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

import pandas as pd

from . import features as _features
from . import index as _index
from . import resources

__all__ = ["fit", "render", "C"]

#: Inverse L2 regularisation strength of the logistic regression (scikit-learn's ``C``).
C = 1.0


#: The counts of the real development set's texts that the fit needs (no text): shipped, so the
#: published weights can be refitted anywhere; rewritten with ``--write-features`` from a local copy.
REAL_FEATURES = "realdev_features.csv"
_ID_COLUMNS = ["id", "lang", "label", "split"]


def feature_table(labelled: pd.DataFrame) -> pd.DataFrame:
    """The feature counts of labelled texts (``id``, ``lang``, ``text``, ``label``, ``split``) without
    their text: what :func:`fit` needs of them, and all a shipped table holds."""
    labelled = labelled[labelled["lang"].isin(resources.LANGS)].reset_index(drop=True)
    feats = _features.features(labelled["text"], lang=labelled["lang"].to_numpy())
    return pd.concat([labelled[_ID_COLUMNS], feats.reset_index(drop=True)], axis=1)


def real_features() -> pd.DataFrame | None:
    """The shipped feature table of the real development set, or None when there is none."""
    path = resources._data(REAL_FEATURES)
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={c: str for c in _ID_COLUMNS}, keep_default_na=False, na_values=[""])


def fit(devset: pd.DataFrame | None = None, *, extra: pd.DataFrame | None = None,
        extra_name: str = "the real development set (benchmarks/realdev, as kommunsocial/data/tone/"
                          f"{REAL_FEATURES})") -> dict:
    """Centre / scale per language and logistic-regression weights, from the train split only.

    ``extra``: more labelled texts, as a feature table (:func:`feature_table`: ``id``, ``lang``,
    ``label``, ``split`` and the feature columns) or as texts (``text`` instead of the features);
    their train split is fitted on beside the development set's. Default: the shipped table of the
    real development set (:func:`real_features`), if any; pass an empty frame for none.
    """
    from sklearn.linear_model import LogisticRegression

    dev = resources.devset() if devset is None else devset
    if extra is None:
        extra = real_features()
    if extra is not None and "text" in extra.columns:
        extra = feature_table(extra)
    if extra is not None and not len(extra):
        extra = None
    train = dev[dev["split"] == "train"].reset_index(drop=True)
    feats = _features.features(train["text"], lang=train["lang"].to_numpy()).reset_index(drop=True)
    ids = train[_ID_COLUMNS]
    if extra is not None:
        missing = set(_ID_COLUMNS) - set(extra.columns)
        if missing:
            raise ValueError(f"the extra table lacks columns {sorted(missing)}")
        more = extra[(extra["split"] == "train") & extra["lang"].isin(resources.LANGS)].reset_index(drop=True)
        feats = pd.concat([feats, more[feats.columns].astype(feats.dtypes.to_dict())], ignore_index=True)
        ids = pd.concat([ids, more[_ID_COLUMNS]], ignore_index=True)
    langs = ids["lang"].to_numpy()
    center, scale, typical = {}, {}, {}
    for code in sorted(set(langs)):
        mine = feats[langs == code]
        typical[code] = {k: round(v, 6) for k, v in _index.typical_values(mine).items()}
        rows = _index._raw_design(mine, typical[code])
        # markers are not centred (0 when absent: no evidence); style inputs are centred on the mean
        mu = rows.mean().where(rows.columns.isin(_index.STYLE_FEATURES), 0.0)
        sd = rows.std(ddof=0).replace(0.0, 1.0).fillna(1.0)
        center[code] = {k: round(float(v), 6) for k, v in mu.items()}
        scale[code] = {k: round(float(v), 6) for k, v in sd.items()}
    z = _index.design_matrix(feats, langs, center=center, scale=scale, typical=typical)
    y = (ids["label"] == "formal").astype(int).to_numpy()
    model = LogisticRegression(C=C, max_iter=5000, tol=1e-10).fit(z.to_numpy(), y)
    digest = hashlib.sha256("\n".join(train["id"] + "\t" + train["text"] + "\t" + train["label"]).encode()
                            + pd.util.hash_pandas_object(feats, index=False).to_numpy().tobytes()).hexdigest()[:16]
    return {
        "weights": {k: round(float(w), 6) for k, w in zip(z.columns, model.coef_[0])},
        "intercept": round(float(model.intercept_[0]), 6),
        "center": center,
        "scale": scale,
        "typical": typical,
        "info": {"data": "kommunsocial/data/tone/devset_{sv,nb,nn,da,en}.csv"
                 + (f" and {extra_name}" if extra is not None else "") + ", split == 'train'",
                 "n_train": int(len(ids)),
                 "n_by_lang": {k: int(v) for k, v in ids["lang"].value_counts().sort_index().items()},
                 "train_sha256": digest,
                 "model": f"sklearn LogisticRegression(C={C}, L2), inputs standardised per language",
                 "script": "python -m kommunsocial.tone.fit_weights --write"},
    }


def render(fitted: dict) -> str:
    """The constants block as Python source."""
    def fmt(d, indent=4):
        pad = " " * indent
        return "{\n" + "".join(f"{pad}{k!r}: {v!r},\n" for k, v in d.items()) + " " * (indent - 4) + "}"

    lines = ["# BEGIN FITTED WEIGHTS (written by `python -m kommunsocial.tone.fit_weights --write`; "
             "do not edit by hand)",
             "#: Weights on the standardised inputs (log-odds of 'formal' per standard deviation).",
             f"WEIGHTS: dict = {fmt(fitted['weights'])}",
             f"INTERCEPT: float = {fitted['intercept']!r}",
             "#: Per-language mean and standard deviation of each input on the train split.",
             "CENTER: dict = {\n" + "".join(f"    {k!r}: {fmt(v, 8)},\n" for k, v in fitted['center'].items()) + "}",
             "SCALE: dict = {\n" + "".join(f"    {k!r}: {fmt(v, 8)},\n" for k, v in fitted['scale'].items()) + "}",
             "#: Per-language typical ratios (all counts over all words or sentences of the train split), which",
             "#: short texts' ratios are shrunk towards.",
             "TYPICAL: dict = {\n" + "".join(f"    {k!r}: {fmt(v, 8)},\n" for k, v in fitted['typical'].items())
             + "}",
             "#: What the weights were fitted on and how to refit them.",
             f"FIT_INFO: dict = {fmt(fitted['info'])}",
             "# END FITTED WEIGHTS"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the constants into tone/index.py")
    parser.add_argument("--write-features", type=Path, metavar="FILE",
                        help="CSV of the real development set's texts (id, lang, text, label, split: "
                             "`python -m realdev --export FILE` in benchmarks/): write their feature table to "
                             f"kommunsocial/data/tone/{REAL_FEATURES} first")
    args = parser.parse_args(argv)
    if args.write_features:
        texts = pd.read_csv(args.write_features, dtype=str, keep_default_na=False)
        table = feature_table(texts)
        out = Path(_index.__file__).parent.parent / "data" / "tone" / REAL_FEATURES
        table.to_csv(out, index=False, float_format="%.10g", lineterminator="\n")
        print(f"written the features of {len(table)} texts to {out}")
    block = render(fit())
    print(block)
    if args.write:
        path = Path(_index.__file__)
        src = path.read_text(encoding="utf-8")
        new = re.sub(r"# BEGIN FITTED WEIGHTS.*?# END FITTED WEIGHTS", lambda m: block, src, count=1, flags=re.S)
        path.write_text(new, encoding="utf-8")
        print(f"written to {path}")


if __name__ == "__main__":
    main()
