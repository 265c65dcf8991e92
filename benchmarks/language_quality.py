"""Accuracy and speed of language detection, with and without the ``other`` class.

"six only" is detection among sv, nb, nn, da, fi and en alone (kommunsocial before ``other``:
every text forced into one of them); "with other" is :func:`kommunsocial.language.detect_language`.
Prints, per source and reference language: texts decided (not ``und``) and the share detected
right; then texts per second on the distinct texts of a seeded sample (one process, best of 5,
the two runs alternating so that a busy machine slows both alike).

    python benchmarks/language_quality.py                      # development set and sample only
    python benchmarks/language_quality.py FILE ... [--expect other]

Each FILE is a raw export kommunsocial reads; its reference is the platform's own ``lang`` field
where it has one (X, Meta Content Library), else ``--expect`` (e.g. ``other`` for a Portuguese
CrowdTangle export). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import html
import json
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from kommunsocial import language, sample
from kommunsocial.clean import clean_texts
from kommunsocial.io import read_file
from kommunsocial.tone import resources


@contextmanager
def six_only():
    """Detection as it was before ``other``: no text is tried against the other languages."""
    real = language._maybe_foreign
    language._maybe_foreign = lambda *args: False
    try:
        yield
    finally:
        language._maybe_foreign = real


def detect(texts, old: bool):
    if old:
        with six_only():
            return language.detect_language(texts)
    return language.detect_language(texts)


def labelled_sources(files, expect):
    dev = resources.devset()
    yield "development set", dev["text"], dev["lang"]
    corpus = sample.generate(n_pages=12, years=1, seed=3)
    page_lang = pd.DataFrame(corpus.truth["pages"]).set_index("page_id")["language"]
    yield "sample posts", clean_texts(corpus.posts["text"]), corpus.posts["page_id"].map(page_lang)
    for path in files:
        if Path(path).suffix in (".jsonl", ".json"):
            tweets = _tweets(path)
            if len(tweets):  # every tweet of a search, not only those its reader takes as the pages'
                yield Path(path).name, clean_texts(tweets["text"]), language.normalise_languages(
                    tweets["lang"], errors="und")
                continue
        parsed = read_file(Path(path))
        for table in (parsed.posts, parsed.comments):
            if not len(table):
                continue
            if "platform_lang" in table:
                truth = language.normalise_languages(table["platform_lang"], errors="und")
            elif expect:
                truth = pd.Series(expect, index=table.index)
            else:
                continue
            yield Path(path).name, clean_texts(table["text"]), truth


def _tweets(path) -> pd.DataFrame:
    """Text and X's ``lang`` of every tweet in a twarc2 JSON Lines file (response pages or flattened)."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        for t in (doc.get("data") or []) if isinstance(doc, dict) and "data" in doc else [doc]:
            if isinstance(t, dict) and isinstance(t.get("text"), str):
                note = t.get("note_tweet") if isinstance(t.get("note_tweet"), dict) else {}
                rows.append({"text": html.unescape(note.get("text") or t["text"]), "lang": t.get("lang")})
    return pd.DataFrame(rows, columns=["text", "lang"])


def accuracy(files, expect):
    rows = []
    for name, texts, truth in labelled_sources(files, expect):
        truth = pd.Series(truth).astype(str).reset_index(drop=True)
        texts = pd.Series(texts).reset_index(drop=True)
        for label, old in (("six only", True), ("with other", False)):
            got = detect(texts, old).astype(str)
            for code, idx in truth.groupby(truth).groups.items():
                if code == "und":
                    continue
                decided = got[idx] != "und"
                rows.append({"source": name, "lang": code, "detector": label, "decided": int(decided.sum()),
                             "right_%": round(100 * float((got[idx][decided] == code).mean()), 1)
                             if decided.any() else float("nan")})
    table = pd.DataFrame(rows).pivot_table(index=["source", "lang"], columns="detector",
                                           values=["decided", "right_%"], sort=False)
    print(table.to_string())


def speed():
    corpus = sample.generate(n_pages=12, years=2, seed=5)
    texts = pd.concat([clean_texts(corpus.posts["text"]), clean_texts(corpus.comments["text"])]).drop_duplicates()
    texts = texts.tolist()
    detect(texts[:200], True), detect(texts[:200], False)  # models loaded before timing
    best = {True: 0.0, False: 0.0}
    for _ in range(5):
        for old in (True, False):
            start = time.perf_counter()
            detect(texts, old)
            best[old] = max(best[old], len(texts) / (time.perf_counter() - start))
    print(f"\n{len(texts):,} distinct sample texts: six only {best[True]:,.0f} texts/s, with other "
          f"{best[False]:,.0f} texts/s ({100 * (best[False] / best[True] - 1):+.1f} %)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="raw exports to measure on")
    parser.add_argument("--expect", help="the language of files without a language field (e.g. other)")
    args = parser.parse_args()
    accuracy(args.files, args.expect)
    speed()


if __name__ == "__main__":
    main()
