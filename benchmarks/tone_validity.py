"""Validity of the formality index (and the default classifier) on real text nobody here wrote.

The development set (``kommunsocial/data/tone/``) was written for the index; this script measures
it on public real text whose register is known from where it was published. Nothing is
downloaded: put the sources in a local folder (default ``benchmarks/data/tone-validity/``, not
committed) by this recipe, from the public repositories named:

* ``g0vse/pressmeddelanden/**.md`` — the Swedish government's press releases (formal, sv):
  ``git clone --depth 1 --branch data https://github.com/civictechsweden/g0vse`` and copy
  ``pressmeddelanden/``;
* ``swe-sentiment-dataset.csv`` — Swedish tweets and YouTube comments (informal, sv), from
  ``lovisaberggren/swe-sentiment-dataset``;
* ``nyc/*.xlsx`` — tweets of New York City agencies (``lanimc/NYCAgencyTwitterData``): the 311
  account's replies to citizens (interactive) against the broadcast posts of NYPD, FDNY, OEM and
  the Mayor's Office (informational).

For each source pair it prints the AUC of the formality score between the two registers (the
chance that a random formal text scores above a random informal one), the macro-F1 of the labels
at the threshold, and the share of texts left unscored (``und``: no words to read), for the index
and for the default :class:`~kommunsocial.tone.ToneClassifier`. ``--n`` texts are drawn per side
with a fixed seed, so a run is reproducible::

    python benchmarks/tone_validity.py [--data DIR] [--n 400]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import f1_score, roc_auc_score

from kommunsocial.tone import ToneClassifier, calibration, score

HERE = Path(__file__).parent
SEED = 20261207


def _sample(texts: pd.Series, n: int) -> pd.Series:
    texts = texts.dropna().astype(str)
    texts = texts[texts.str.strip() != ""].drop_duplicates()
    return texts.sample(min(n, len(texts)), random_state=SEED).reset_index(drop=True)


def press_releases(root: Path, n: int) -> pd.Series:
    """The lead of each press release: the text under the title, up to three paragraphs (a post's length)."""
    leads = []
    for path in sorted((root / "g0vse" / "pressmeddelanden").rglob("*.md")):
        body = path.read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith(("#", "!", "["))]
        if paragraphs:
            leads.append(" ".join(paragraphs[:3]))
    return _sample(pd.Series(leads), n)


def swedish_social(root: Path, n: int) -> pd.Series:
    frame = pd.read_csv(root / "swe-sentiment-dataset.csv")
    return _sample(frame["text"], n)


def nyc(root: Path, n: int) -> tuple[pd.Series, pd.Series]:
    """(broadcast posts of the emergency and mayoral accounts, 311's replies to citizens)."""
    def read(pattern):
        frames = [pd.read_excel(p) for p in sorted((root / "nyc").glob(pattern))]
        return pd.concat(frames, ignore_index=True)["text"].astype(str) if frames else pd.Series(dtype=str)

    broadcast = pd.concat([read(f"{a}-tweets-*.xlsx") for a in ("NYPDnews", "FDNY", "nycoem", "NYCMayorsOffice")])
    broadcast = broadcast[~broadcast.str.match(r"^(RT )?@")]  # their own replies and retweets are not broadcasts
    replies = read("nyc311-tweets-*.xlsx")
    replies = replies[replies.str.match(r"^@\w+")]
    return _sample(broadcast, n), _sample(replies, n)




def _scores(texts: pd.Series, lang, clf: ToneClassifier) -> pd.DataFrame:
    """Index and classifier on the same texts: formality (0–100) and tone of each."""
    langs = pd.Series(lang, index=texts.index)
    scored = score(texts, lang=langs.to_numpy())
    frame = pd.DataFrame({"text": texts, "lang": langs})
    proba = pd.Series(np.nan, index=texts.index)
    ok = scored["tone"].notna() & (scored["tone"] != "und")  # the classifier reads what the index reads
    if ok.any():
        p = clf.predict_proba(frame[ok])[:, list(clf.classes_).index("formal")]
        proba[ok] = p
    return pd.DataFrame({"index": scored["formality"], "index_tone": scored["tone"],
                         "classifier": 100 * proba,
                         "classifier_tone": pd.Series(np.where(proba >= 0.5, "formal", "conversational"),
                                                      index=texts.index).where(proba.notna())})


def _row(truth: pd.Series, value: pd.Series, label: pd.Series, rating: pd.Series | None = None) -> dict:
    ok = value.notna() & label.isin(["formal", "conversational"])
    t, v, lab = truth[ok], value[ok], label[ok].astype(str)
    two = t.nunique() == 2
    row = {"texts": int(len(truth)), "und_share": round(1 - ok.mean(), 3),
           "accuracy": round(float((t == lab).mean()), 3) if len(t) else np.nan,
           "macro_f1": round(f1_score(t, lab, average="macro"), 3) if len(t) else np.nan,
           "auc": round(roc_auc_score(t == "formal", v), 3) if two else np.nan}
    if rating is not None:
        row["spearman"] = round(float(spearmanr(v, rating[ok]).statistic), 3) if len(t) > 2 else np.nan
    return row


def measure(formal: pd.Series, informal: pd.Series, lang: str, clf: ToneClassifier) -> list[dict]:
    """Known registers: AUC and macro-F1 between texts published as formal and as informal."""
    texts = pd.concat([formal, informal], ignore_index=True)
    truth = pd.Series(["formal"] * len(formal) + ["conversational"] * len(informal))
    s = _scores(texts, lang, clf)
    return [{"method": m, **_row(truth, s[m], s[f"{m}_tone"])} for m in ("index", "classifier")]


def real_devset(root: Path, clf: ToneClassifier) -> pd.DataFrame | None:
    """The hand-labelled real texts (``benchmarks/realdev``) present under ``root``, with both scores."""
    import realdev

    dev = realdev.load(root)
    if dev.empty:
        return None
    return pd.concat([dev.reset_index(drop=True), _scores(dev["text"].reset_index(drop=True), dev["lang"].to_numpy(),
                                                           clf)], axis=1)


def real_tables(dev: pd.DataFrame) -> dict:
    """Per source, per language and overall: agreement with the coder, for the index and the classifier."""
    rows = []
    import realdev

    publisher = np.where(dev["source"].isin(realdev.PUBLIC_BODIES), "public bodies", "citizens and politicians")
    groups = ([("source", k, g) for k, g in dev.groupby("source")] + [("lang", k, g) for k, g in dev.groupby("lang")]
              + [("publisher", k, g) for k, g in dev.groupby(publisher)]
              + [("split", k, g) for k, g in dev.groupby("split")] + [("all", "all", dev)])
    for level, key, g in groups:
        for m in ("index", "classifier"):
            rows.append({"by": level, "group": key, "method": m,
                         **_row(g["label"], g[m], g[f"{m}_tone"], g["formality"].astype(float))})
    agreement = pd.DataFrame(rows).set_index(["by", "group", "method"])
    fit = calibration.fit_calibration(dev["index"], dev["label"])
    band = calibration.mixed_band(fit)
    band_rows = []
    for lo_hi in (band, calibration.DEFAULT_MIXED):
        b = calibration.bands(dev["index"], mixed=lo_hi)
        outside = b.isin(["formal", "conversational"])
        band_rows.append({"band": f"{lo_hi[0]:g}–{lo_hi[1]:g}", "share_mixed": round(float((b == "mixed").mean()), 3),
                          "macro_f1_outside": round(f1_score(dev.loc[outside, "label"], b[outside].astype(str),
                                                             average="macro"), 3),
                          "mean_rating_in_band": round(float(dev.loc[b == "mixed", "formality"].mean()), 2)})
    return {"agreement": agreement, "calibration": calibration.calibration(dev["index"], dev["label"]),
            "fit": fit, "band": band, "bands": pd.DataFrame(band_rows).set_index("band")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=HERE / "data" / "tone-validity")
    parser.add_argument("--real", type=Path, default=HERE / "data" / "real-devset",
                        help="local copy of the real development set's sources (benchmarks/realdev)")
    parser.add_argument("--n", type=int, default=400, help="texts per register (default 400)")
    args = parser.parse_args(argv)
    clf = ToneClassifier.default()
    out = {}
    dev = real_devset(args.real, clf)
    if dev is not None:
        tables = real_tables(dev)
        print("## Real development set: the index and the classifier against the coder\n")
        print(tables["agreement"].to_string(), "\n")
        print("## Calibration of the index on the real development set\n")
        print(tables["calibration"].round(3).to_string())
        print(f"\nlogistic calibration: a = {tables['fit']['a']:.3f}, b = {tables['fit']['b']:.3f} "
              f"(n = {tables['fit']['n']}); a third to two thirds coded formal between index {tables['band'][0]:g} and "
              f"{tables['band'][1]:g}\n")
        print(tables["bands"].to_string(), "\n")
        out.update(tables)
    rows = []
    if (args.data / "g0vse").exists():
        sv_formal, sv_informal = press_releases(args.data, args.n), swedish_social(args.data, args.n)
        rows += [{"source": "sv: government press releases vs tweets/comments", **r}
                 for r in measure(sv_formal, sv_informal, "sv", clf)]
    if (args.data / "nyc").exists():
        en_formal, en_informal = nyc(args.data, args.n)
        rows += [{"source": "en: NYC agency broadcasts vs 311 replies", **r}
                 for r in measure(en_formal, en_informal, "en", clf)]
    if rows:
        table = pd.DataFrame(rows).set_index(["source", "method"])
        print("## Known registers\n")
        print(table.to_string())
        out["registers"] = table
    return out


if __name__ == "__main__":
    main()
