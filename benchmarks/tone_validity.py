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
from sklearn.metrics import f1_score, roc_auc_score

from kommunsocial.tone import ToneClassifier, score

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




def measure(formal: pd.Series, informal: pd.Series, lang: str, clf: ToneClassifier) -> list[dict]:
    texts = pd.concat([formal, informal], ignore_index=True)
    truth = np.array(["formal"] * len(formal) + ["conversational"] * len(informal))
    rows = []
    scored = score(texts, lang=lang)
    proba = pd.Series(clf.predict_proba(pd.DataFrame({"text": texts, "lang": lang}))[:, list(clf.classes_).index("formal")])
    for method, value, label in (("index", scored["formality"], scored["tone"]),
                                 ("classifier", proba * 100, pd.Series(np.where(proba >= 0.5, "formal", "conversational")))):
        ok = value.notna().to_numpy()
        rows.append({
            "method": method, "texts": len(texts),
            "auc": roc_auc_score(truth[ok] == "formal", value[ok]),
            "macro_f1": f1_score(truth[ok], label[ok].astype(str), average="macro"),
            "und_share": 1 - ok.mean(),
            "formal_median": float(np.nanmedian(value[: len(formal)])),
            "informal_median": float(np.nanmedian(value[len(formal):])),
        })
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=HERE / "data" / "tone-validity")
    parser.add_argument("--n", type=int, default=400, help="texts per register (default 400)")
    args = parser.parse_args(argv)
    clf = ToneClassifier.default()
    rows = []
    sv_formal, sv_informal = press_releases(args.data, args.n), swedish_social(args.data, args.n)
    rows += [{"source": "sv: government press releases vs tweets/comments", **r}
             for r in measure(sv_formal, sv_informal, "sv", clf)]
    en_formal, en_informal = nyc(args.data, args.n)
    rows += [{"source": "en: NYC agency broadcasts vs 311 replies", **r} for r in measure(en_formal, en_informal, "en", clf)]
    table = pd.DataFrame(rows).set_index(["source", "method"]).round(3)
    print(table.to_string())
    return table


if __name__ == "__main__":
    main()
