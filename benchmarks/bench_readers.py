"""Reading throughput of every format: rows/s of ``kommunsocial.io.read_file`` on files of >= 100k rows.

Usage: ``python benchmarks/bench_readers.py [--rows 100000] [--pages 40] [--years 5]
[--out benchmarks/data/readers]``

The generic CSV, Graph API, CrowdTangle and X v2 (twarc2 pages and flattened) files are a corpus of
the sample generator (``--pages`` pages over ``--years`` years; the defaults give > 100k comments)
written by the export writers of :mod:`kommunsocial.io.write`; the other formats are the test
fixtures with their records repeated until the file holds ``--rows`` records (the reader does the
same work for a repeated record as for a new one; ``ks.load`` would drop the repeats as
duplicates, ``read_file`` does not).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
from pathlib import Path

from kommunsocial import sample
from kommunsocial.io import read_file
from kommunsocial.io import write as writers

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data"
#: written format -> (reader, files read)
GENERATED = {"csv": ("csv", ("posts.csv", "comments.csv")),
             "graph_api": ("graph_api", ("posts.json", "comments.jsonl")),
             "crowdtangle": ("crowdtangle", ("crowdtangle.csv",)), "x_v2": ("x_v2", ("tweets.jsonl",)),
             "x_v2_flat": ("x_v2", ("tweets.jsonl",))}
REPEATED = {  # format -> fixture file whose records are repeated
    "facepager": "facepager/fp_all_nodes.csv",
    "mcl": "mcl/posts.csv",
    "twarc2": "twarc2/tweets.csv",
    "instagram": "instagram/collection/media.json",
    "dyi": "dyi/export_2021/posts/your_posts_1.json",
}


def _repeat_csv(src: Path, dst: Path, rows: int) -> None:
    text = src.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header, body = records[0], [r for r in records[1:] if r]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        writer.writerow(body[i % len(body)])
    dst.write_text(out.getvalue(), encoding="utf-8")


def _repeat_json(src: Path, dst: Path, rows: int) -> None:
    if src.suffix == ".jsonl":
        lines = [x for x in src.read_text(encoding="utf-8").splitlines() if x.strip()]
        dst.write_text("\n".join(lines[i % len(lines)] for i in range(rows)) + "\n", encoding="utf-8")
        return
    data = json.loads(src.read_text(encoding="utf-8"))
    if isinstance(data, list):
        data = [data[i % len(data)] for i in range(rows)]
    else:
        key = max((k for k, v in data.items() if isinstance(v, list)), key=lambda k: len(data[k]))
        data[key] = [data[key][i % len(data[key])] for i in range(rows)]
    dst.with_name(src.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _count(parsed) -> int:
    return len(parsed.posts) + len(parsed.comments) + len(parsed.quarantine)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=40, help="pages of the generated corpus")
    parser.add_argument("--years", type=float, default=5, help="years of the generated corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "data" / "readers")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    # the generator: 40 pages x 5 years gives > 100k comments; posts are counted separately
    corpus = sample.generate(n_pages=args.pages, years=args.years, seed=3, activity=2.5)
    tweets = writers.as_tweets(corpus.pages, corpus.posts, corpus.comments)
    files = {}
    for fmt, (reader, names) in GENERATED.items():
        folder = args.out / fmt
        tables = tweets if fmt.startswith("x_v2") else (corpus.pages, corpus.posts, corpus.comments)
        writers.write(*tables, folder, format=fmt)
        files[fmt] = (reader, [folder / n for n in names])
    for fmt, rel in REPEATED.items():
        folder = args.out / fmt
        folder.mkdir(exist_ok=True)
        src = FIXTURES / rel
        dst = folder / src.name
        (_repeat_csv if src.suffix == ".csv" else _repeat_json)(src, dst, args.rows)
        files[fmt] = (fmt, [dst])

    print(f"{'format':<12} {'file':<22} {'rows':>9} {'seconds':>8} {'rows/s':>9}")
    for fmt, (reader, paths) in files.items():
        for path in sorted(paths):
            start = time.perf_counter()
            parsed = read_file(path, format=reader, name=path.name)
            seconds = time.perf_counter() - start
            n = _count(parsed)
            print(f"{fmt:<12} {path.name:<22} {n:>9,} {seconds:>8.2f} {n / seconds:>9,.0f}")


if __name__ == "__main__":
    main()
