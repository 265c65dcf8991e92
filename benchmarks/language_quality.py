"""Accuracy and speed of language detection: lingua alone (before) and with the fast path (after).

"lingua only" is :func:`kommunsocial.language.detect_language` with ``fast=False`` (every text
that is long enough goes to lingua, as before the fast path); "fast path" is the default, where
CLD2 decides long clear texts and lingua the rest. Prints, per source: the confusion table of each
(reference language × detected language, counts), the share of each reference language detected
right among the texts decided (not ``und``), and the share the fast path decided; then texts per
second on the distinct texts of a seeded sample (posts and comments: comments are most of the
volume and short), best of N with the two runs alternating so that a busy machine slows both
alike, and what that is at country scale.

    python benchmarks/language_quality.py                                   # written sets only
    python benchmarks/language_quality.py --realdev DIR FILE ... [--expect other]

``--realdev DIR`` reads the real development set's texts (:mod:`realdev`; its sources' own
languages are the reference). Each FILE is a raw export kommunsocial reads; its reference is the
platform's own ``lang`` field where it has one (X, Meta Content Library), else ``--expect`` (e.g.
``other`` for a Portuguese CrowdTangle export). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from pathlib import Path

import pandas as pd

from kommunsocial import language, sample
from kommunsocial.clean import clean_texts
from kommunsocial.io import read_file
from kommunsocial.tone import resources

#: Rows and columns of every confusion table, in this order.
ORDER = (*language.DETECTED, language.OTHER, language.UNDETERMINED)
#: Posts and comments of ``sample.generate(n_pages=290, years=5, activity=3, seed=1)``: the country.
COUNTRY = {"posts": 583_284, "comments": 3_090_615}


def labelled_sources(files, expect, realdev_dir=None):
    """(name, texts, reference languages) of each labelled source."""
    dev = resources.devset()
    yield "development set (written)", dev["text"], dev["lang"]
    corpus = sample.generate(n_pages=29, years=1, seed=3)
    page_lang = pd.DataFrame(corpus.truth["pages"]).set_index("page_id")["language"]
    yield "sample posts (written)", clean_texts(corpus.posts["text"]), corpus.posts["page_id"].map(page_lang)
    if realdev_dir is not None:
        sys.path.insert(0, str(Path(__file__).parent))
        import realdev

        texts, _ = realdev.extract(Path(realdev_dir))
        for group, part in texts.groupby(texts["source"].str[:2], sort=True):
            yield f"real development set ({group})", clean_texts(part["text"]), part["lang"]
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


def fast_share(texts) -> float:
    """The share of the distinct texts long enough to detect that the fast path decided."""
    unique = list(dict.fromkeys(pd.Series(texts).astype("string").fillna("").tolist()))
    decided = []
    real = language._fast_language

    def counting(*args, **kwargs):
        found = real(*args, **kwargs)
        decided.append(found is not None)
        return found

    language._fast_language = counting
    try:
        out = language.detect_language(unique)
    finally:
        language._fast_language = real
    n = int((out != language.UNDETERMINED).sum())
    return sum(decided) / n if n else float("nan")


def confusion(truth: pd.Series, got: pd.Series) -> pd.DataFrame:
    """Reference language (rows) × detected language (columns), counts; the six, other and und."""
    table = pd.crosstab(truth.rename("reference"), got.rename("detected"))
    rows = [c for c in ORDER if c in table.index]
    return table.reindex(index=rows, columns=list(ORDER), fill_value=0)


def right_share(truth: pd.Series, got: pd.Series) -> pd.Series:
    """Per reference language: the % detected right among the texts decided (not ``und``)."""
    decided = got != language.UNDETERMINED
    right = (got == truth)[decided].groupby(truth[decided]).mean() * 100
    return right.reindex([c for c in ORDER if c in set(truth[decided])]).round(1)


def accuracy(files, expect, realdev_dir=None):
    summary = []
    for name, texts, truth in labelled_sources(files, expect, realdev_dir):
        truth = pd.Series(truth).astype(str).reset_index(drop=True)
        texts = pd.Series(texts).reset_index(drop=True)
        before = language.detect_language(texts, fast=False).astype(str)
        after = language.detect_language(texts).astype(str)
        print(f"\n== {name}: {len(texts):,} texts; the fast path decided {100 * fast_share(texts):.1f} % "
              f"of the distinct texts long enough to detect; {int((before != after).sum())} texts changed")
        for label, got in (("lingua only (before)", before), ("fast path (after)", after)):
            print(f"-- {label}\n{confusion(truth, got).to_string()}")
        for code, b in right_share(truth, before).items():
            a = right_share(truth, after).get(code, float("nan"))
            summary.append({"source": name, "reference": code, "decided": int((after[truth == code] != "und").sum()),
                            "right % before": b, "right % after": a, "change": round(a - b, 1)})
    print("\n== right % among the texts decided (not und), per source and reference language")
    print(pd.DataFrame(summary).to_string(index=False))


def speed(n_pages: int, years: float, activity: float, repeats: int):
    corpus = sample.generate(n_pages=n_pages, years=years, activity=activity, seed=1, start="2019-01-01")
    posts, comments = clean_texts(corpus.posts["text"]), clean_texts(corpus.comments["text"])
    texts = pd.concat([posts, comments]).drop_duplicates().tolist()
    language.detect_language(texts[:200], fast=False), language.detect_language(texts[:200])  # models loaded
    best = {False: (0.0, 0.0), True: (0.0, 0.0)}
    for _ in range(repeats):
        for fast in (False, True):
            wall, cpu = time.perf_counter(), time.process_time()
            language.detect_language(texts, fast=fast)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[fast] = (max(best[fast][0], len(texts) / wall), max(best[fast][1], len(texts) / cpu))
    # distinct texts grow at most as the posts (nearly all distinct) and the comments (which repeat)
    distinct_posts = posts.nunique()
    country = (distinct_posts * COUNTRY["posts"] / len(posts)
               + (len(texts) - distinct_posts) * COUNTRY["comments"] / len(comments))
    print(f"\n{len(posts):,} posts and {len(comments):,} comments, {len(texts):,} distinct texts "
          f"(sample.generate(n_pages={n_pages}, years={years}, activity={activity}, seed=1)); best of {repeats}:")
    for fast, label in ((False, "lingua only (before)"), (True, "fast path (after)")):
        wall, cpu = best[fast]
        print(f"  {label}: {wall:,.0f} texts/s wall, {cpu:,.0f} texts/s of CPU time; at country scale "
              f"(about {country:,.0f} distinct texts at most) {country / wall:,.0f} s wall")
    print(f"  speed-up: {best[True][0] / best[False][0]:.1f} × wall, {best[True][1] / best[False][1]:.1f} × CPU")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="raw exports to measure on")
    parser.add_argument("--expect", help="the language of files without a language field (e.g. other)")
    parser.add_argument("--realdev", help="folder of the real development set's sources")
    parser.add_argument("--pages", type=int, default=12, help="pages of the sample timed (29: a tenth of the country)")
    parser.add_argument("--years", type=float, default=2)
    parser.add_argument("--activity", type=float, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    accuracy(args.files, args.expect, args.realdev)
    if not args.no_speed:
        speed(args.pages, args.years, args.activity, args.repeats)


if __name__ == "__main__":
    main()
