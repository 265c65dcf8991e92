"""The formality index's scores kept on disk per text, shared by every report of a dataset.

A score is a function of the text, its language and the index's code and word lists alone
(:func:`kommunsocial.tone.score`), so it is kept under a key of those: a 128-bit hash of the
language and the text. A report on one municipality, the report on the whole country and the
next run of either then score a text once; a municipality's tasks running side by side on a
cluster share the store. Nothing but scores is kept (no text): the cache holds no more than the
processed tables beside it.

Layout: ``<dataset>/_cache/tone-index-<fingerprint>/part-<hash>.parquet``, each part the scores
one call added (columns ``k1``, ``k2``: the key's halves, ``formality``). The fingerprint covers
the package version, the index's code and word lists and pandas' version (whose hash function
makes the keys): a new lexicon starts an empty store and the old ones are removed. Parts are
written atomically and merged into one when there are more than :data:`MAX_PARTS`; a part that
another process removed while this one read is simply scored again.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from .._atomic import atomic_write

__all__ = ["cached_scores", "MAX_PARTS", "PREFIX"]

#: More parts than this in a store are merged into one by the call that finds them.
MAX_PARTS = 16
#: Stores (folders) and single files of earlier versions under ``_cache`` start with this.
PREFIX = "tone-index-"
# two independent 64-bit hashes (pandas' SipHash with two keys) make a 128-bit key: a collision
# among a continent's posts is beyond any chance that matters
_KEYS = ("ks-tone-cache-k1", "ks-tone-cache-k2")  # 16 characters each


def keys(texts: pd.Series, langs) -> tuple[np.ndarray, np.ndarray]:
    """The two 64-bit halves of each text's key: hashes of ``"<lang>\\x1f<text>"``."""
    lang = pd.Series(langs if langs is not None else "", index=texts.index, dtype="string").fillna("")
    joined = (lang + "\x1f" + texts.astype("string").fillna("")).to_numpy(dtype=object)
    return tuple(pd.util.hash_array(joined, hash_key=key, categorize=False) for key in _KEYS)


def cached_scores(texts: pd.Series, langs, folder, fingerprint: str, compute) -> np.ndarray:
    """Each text's score from the store in ``folder``; the texts it lacks are scored by
    ``compute(texts, langs)`` once each (a text repeated is scored once) and added to it.

    ``fingerprint`` names the store: scores of another code or word list are never read.
    """
    store = Path(folder) / f"{PREFIX}{fingerprint[:16]}"
    k1, k2 = keys(texts, langs)
    known = _read(store)
    values = np.full(len(texts), np.nan)
    hit = np.zeros(len(texts), dtype=bool)
    if len(known):
        index = pd.Index(known["k1"].to_numpy())
        at = index.get_indexer(k1)
        hit = at >= 0
        hit[hit] = known["k2"].to_numpy()[at[hit]] == k2[hit]  # both halves must match
        values[hit] = known["formality"].to_numpy()[at[hit]]
    if not hit.all():
        missing = np.flatnonzero(~hit)
        # each distinct text once
        first = pd.DataFrame({"k1": k1[missing], "k2": k2[missing]}).drop_duplicates().index.to_numpy()
        todo = missing[first]
        lang_todo = None if langs is None else np.asarray(langs, dtype=object)[todo]
        scores = np.asarray(compute(texts.iloc[todo].reset_index(drop=True), lang_todo), dtype=float)
        new = pd.DataFrame({"k1": k1[todo], "k2": k2[todo], "formality": scores})
        lookup = new.set_index(["k1", "k2"])["formality"]
        values[missing] = lookup.reindex(pd.MultiIndex.from_arrays([k1[missing], k2[missing]])).to_numpy()
        _add(store, new)
    return values


def _parts(store: Path) -> list[Path]:
    return sorted(store.glob("part-*.parquet")) if store.is_dir() else []


def _read(store: Path) -> pd.DataFrame:
    """Every score of the store, each key once."""
    frames = []
    for part in _parts(store):
        try:
            frames.append(pd.read_parquet(part))
        except FileNotFoundError:  # merged and removed by another process meanwhile: scored again
            continue
    if not frames:
        return pd.DataFrame({"k1": np.array([], np.uint64), "k2": np.array([], np.uint64), "formality": []})
    return pd.concat(frames, ignore_index=True).drop_duplicates(["k1"])


def _add(store: Path, new: pd.DataFrame) -> None:
    """Write ``new`` as a part, remove stores of other fingerprints, merge parts beyond :data:`MAX_PARTS`."""
    store.mkdir(parents=True, exist_ok=True)
    for old in store.parent.glob(f"{PREFIX}*"):
        if old != store:  # scores of an earlier code or word list: never read again
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    _write(store, new)
    parts = _parts(store)
    if len(parts) > MAX_PARTS:
        merged = _read(store)
        name = _write(store, merged)
        for part in parts:
            if part.name != name:
                part.unlink(missing_ok=True)


def _write(store: Path, frame: pd.DataFrame) -> str:
    """Write ``frame`` as ``part-<hash of its keys>.parquet`` (a name of its content: two processes
    writing the same scores write the same file) and return the name."""
    frame = frame.sort_values(["k1", "k2"], kind="mergesort").reset_index(drop=True)
    name = "part-" + hashlib.sha256(frame["k1"].to_numpy().tobytes() + frame["k2"].to_numpy().tobytes()).hexdigest()[:24]
    path = store / f"{name}.parquet"
    with atomic_write(path) as tmp:  # reports running in parallel never read half a file
        frame.to_parquet(tmp, index=False)
    return path.name
