"""Fit the formality index's published weights on the development set's train split (run once).

``python -m kommunsocial.tone.fit_weights`` prints the constants; ``--write`` replaces the block
between ``# BEGIN FITTED WEIGHTS`` and ``# END FITTED WEIGHTS`` in ``kommunsocial/tone/index.py``.
``--extra FILE`` adds labelled texts that are not shipped (a CSV with ``id``, ``lang``, ``text``,
``label`` and ``split``: the real development set, written by ``python -m realdev --export FILE``
from ``benchmarks/``); their train split joins the fit, and :data:`FIT_INFO` records its digest.
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


def fit(devset: pd.DataFrame | None = None, *, extra: pd.DataFrame | None = None,
        extra_name: str = "") -> dict:
    """Centre / scale per language and logistic-regression weights, from the train split only.

    ``extra``: more labelled texts (``id``, ``lang``, ``text``, ``label``, ``split``), whose train
    split is fitted on beside the development set's; ``extra_name`` says where they come from.
    """
    from sklearn.linear_model import LogisticRegression

    dev = resources.devset() if devset is None else devset
    columns = ["id", "lang", "text", "label", "split"]
    if extra is not None:
        missing = set(columns) - set(extra.columns)
        if missing:
            raise ValueError(f"the extra texts lack columns {sorted(missing)}")
        extra = extra[extra["lang"].isin(resources.LANGS)]
        dev = pd.concat([dev[columns], extra[columns]], ignore_index=True)
    train = dev[dev["split"] == "train"].reset_index(drop=True)
    feats = _features.features(train["text"], lang=train["lang"].to_numpy())
    langs = train["lang"].to_numpy()
    center, scale, typical = {}, {}, {}
    for code in sorted(set(langs)):
        mine = feats[langs == code]
        typical[code] = {k: round(v, 6) for k, v in _index.typical_values(mine).items()}
        rows = _index._raw_design(mine, typical[code])
        mu = rows.mean()
        sd = rows.std(ddof=0).replace(0.0, 1.0).fillna(1.0)
        center[code] = {k: round(float(v), 6) for k, v in mu.items()}
        scale[code] = {k: round(float(v), 6) for k, v in sd.items()}
    z = _index.design_matrix(feats, langs, center=center, scale=scale, typical=typical)
    y = (train["label"] == "formal").astype(int).to_numpy()
    model = LogisticRegression(C=C, max_iter=5000, tol=1e-10).fit(z.to_numpy(), y)
    digest = hashlib.sha256("\n".join(train["id"] + "\t" + train["text"] + "\t" + train["label"])
                            .encode()).hexdigest()[:16]
    return {
        "weights": {k: round(float(w), 6) for k, w in zip(z.columns, model.coef_[0])},
        "intercept": round(float(model.intercept_[0]), 6),
        "center": center,
        "scale": scale,
        "typical": typical,
        "info": {"data": "kommunsocial/data/tone/devset_{sv,nb,nn,da,en}.csv"
                 + (f" and {extra_name}" if extra is not None else "") + ", split == 'train'",
                 "n_train": int(len(train)),
                 "n_by_lang": {k: int(v) for k, v in train["lang"].value_counts().sort_index().items()},
                 "train_sha256": digest,
                 "model": f"sklearn LogisticRegression(C={C}, L2), inputs standardised per language",
                 "script": "python -m kommunsocial.tone.fit_weights --write"
                           + (" --extra FILE" if extra is not None else "")},
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
    parser.add_argument("--extra", type=Path, help="CSV of more labelled texts (id, lang, text, label, split)")
    parser.add_argument("--extra-name", default="the real development set (benchmarks/realdev)",
                        help="where the extra texts come from, for FIT_INFO")
    args = parser.parse_args(argv)
    extra = pd.read_csv(args.extra, dtype=str, keep_default_na=False) if args.extra else None
    block = render(fit(extra=extra, extra_name=args.extra_name))
    print(block)
    if args.write:
        path = Path(_index.__file__)
        src = path.read_text(encoding="utf-8")
        new = re.sub(r"# BEGIN FITTED WEIGHTS.*?# END FITTED WEIGHTS", lambda m: block, src, count=1, flags=re.S)
        path.write_text(new, encoding="utf-8")
        print(f"written to {path}")


if __name__ == "__main__":
    main()
