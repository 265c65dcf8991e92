"""A real development set for the tone measure: real public texts, hand-labelled with the codebook.

The written development set (``kommunsocial/data/tone/``) was invented for the index; this one is
text real public bodies and real citizens published. Each text was read by the project's coder and
given a ``label`` (formal / conversational) and a ``formality`` rating (1–5) with the codebook of
:mod:`kommunsocial.tone.coding`, blind to any score.

What is in the repository: the labels (``labels_<lang>.csv``: ``key``, ``source``, ``lang``,
``label``, ``formality``, ``split``, ``text_sha1``, ``note``) and where every text came from
(``SOURCES_<lang>.md``, and each source's ``recipe`` in ``src_<lang>.py``). What is not: the texts,
since most of them may not be redistributed. Put the raw files in a local folder by the recipes
(default ``benchmarks/data/real-devset/<source>/``); :func:`load` reads them, finds each labelled
text by its key and checks it is the text that was labelled (``text_sha1``).

    python -m realdev --data DIR                 # from benchmarks/: which sources are present, texts per label
    python -m realdev --data DIR --export FILE   # the labelled texts as one CSV, for fit_weights --extra
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

HERE = Path(__file__).parent
DEFAULT_DATA = HERE.parent / "data" / "real-devset"
LABEL_COLUMNS = ["key", "source", "lang", "label", "formality", "split", "text_sha1", "note"]
#: Sources whose texts a public body published (authorities, government, a public broadcaster, a
#: parliament); the others are citizens' and politicians' own posts.
PUBLIC_BODIES = frozenset({"sv-polisen-events", "sv-polisen-summaries", "sv-regeringen-artiklar",
                           "sv-regeringen-debatt", "nb-politi-twitter", "nn-storting-sentences",
                           "da-smittestop-app", "da-eu-codeweek-privacy", "da-stm-nytaarstaler",
                           "da-dr-maerkesager"})
#: Modules that define sources, one per language group.
SOURCE_MODULES = ("src_sv", "src_no", "src_da")


@dataclass(frozen=True)
class Source:
    """One real source: where it comes from and how its texts are read from the local copy."""

    id: str
    lang: str            # the language of its texts (sv, nb, nn, da); a text may override it
    description: str     # who published it, what register is expected, licence
    recipe: str          # how to get the raw files into DIR/<id>/
    extract: Callable[[Path], pd.DataFrame]  # DIR/<id> -> DataFrame[key, text] (+ optional lang)


def text_sha1(text: str) -> str:
    """The first 12 hex digits of the SHA-1 of a text as extracted (stripped, UTF-8)."""
    return hashlib.sha1(str(text).strip().encode("utf-8")).hexdigest()[:12]


def split_for(key: str) -> str:
    """A fixed 70/30 train/test split drawn from the key alone (no seed, no order dependence)."""
    return "test" if int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 10 < 3 else "train"


def sources() -> dict[str, Source]:
    """Every source of every language group, by id."""
    out: dict[str, Source] = {}
    for name in SOURCE_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            continue
        for src in module.SOURCES:
            if src.id in out:
                raise ValueError(f"source id {src.id!r} defined twice")
            out[src.id] = src
    return out


def labels() -> pd.DataFrame:
    """All labels of all languages (``labels_*.csv``)."""
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(HERE.glob("labels_*.csv"))]
    if not frames:
        return pd.DataFrame(columns=LABEL_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    missing = set(LABEL_COLUMNS) - set(out.columns)
    if missing:
        raise ValueError(f"labels files lack columns {sorted(missing)}")
    out["formality"] = pd.to_numeric(out["formality"]).astype(int)
    dup = out["key"].duplicated()
    if dup.any():
        raise ValueError(f"keys labelled twice: {out.loc[dup, 'key'].tolist()[:5]}")
    return out[LABEL_COLUMNS]


def extract(root: Path = DEFAULT_DATA, *, only: list[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The texts of every source present under ``root``: (DataFrame[key, source, lang, text], absent ids)."""
    frames, absent = [], []
    for sid, src in sources().items():
        if only is not None and sid not in only:
            continue
        folder = Path(root) / sid
        if not folder.exists():
            absent.append(sid)
            continue
        got = src.extract(folder)
        got = got.assign(source=sid)
        if "lang" not in got.columns:
            got["lang"] = src.lang
        got["lang"] = got["lang"].fillna(src.lang)
        got["key"] = sid + ":" + got["key"].astype(str)
        frames.append(got[["key", "source", "lang", "text"]])
    texts = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=["key", "source", "lang", "text"]))
    return texts.drop_duplicates("key"), absent


def load(root: Path = DEFAULT_DATA) -> pd.DataFrame:
    """The labelled real texts present under ``root``: labels joined to their texts.

    Raises when a labelled text is found but is not the text that was labelled (its SHA-1 differs):
    the local copy is another version of the source. Texts of absent sources are left out (see
    :func:`extract`'s second value).
    """
    lab = labels()
    texts, _ = extract(root)
    out = lab.merge(texts[["key", "text"]], on="key", how="inner")
    bad = out[out["text"].map(text_sha1) != out["text_sha1"]]
    if len(bad):
        raise ValueError(f"{len(bad)} labelled texts differ from the local copy "
                         f"(first: {bad['key'].iloc[0]}): is it the version named in SOURCES_<lang>.md?")
    return out


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="What of the real development set is present locally.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--export", type=Path, help="write id, lang, text, label, formality, split, source here")
    args = parser.parse_args(argv)
    texts, absent = extract(args.data)
    lab = labels()
    print(f"sources present: {sorted(texts['source'].unique())}; absent: {absent}")
    got = load(args.data)
    print(f"labelled: {len(lab)}, found locally: {len(got)}")
    if len(got):
        print(got.groupby(["lang", "source", "label"]).size().unstack(fill_value=0).to_string())
    if args.export:
        got.rename(columns={"key": "id"})[["id", "lang", "text", "label", "formality", "split", "source"]].to_csv(
            args.export, index=False)
        print(f"written {len(got)} texts to {args.export}")


if __name__ == "__main__":
    main()
