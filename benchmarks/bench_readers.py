"""Reading throughput of every format: rows/s of ``kommunsocial.io.read_file`` on files of >= 100k rows,
and its ratio to the floor: pyarrow alone parsing the same file (``pyarrow.json.read_json`` for JSON
Lines, ``pyarrow.csv.read_csv`` for CSV; a JSON document has no pyarrow parse, so no floor).

Usage: ``python benchmarks/bench_readers.py [--rows 100000] [--pages 40] [--years 5] [--repeat 3]
[--only graph_api_jsonl,csv] [--out benchmarks/data/readers]``, or on the files of a folder
(``make bench``'s country, say): ``python benchmarks/bench_readers.py --folder benchmarks/data/country/raw``

Each file is read ``--repeat`` times, floor and reader alternating (a shared machine slows both
alike), and the best of each is reported. pyarrow parses on every core and the readers' work after
it runs on one, so the ratio is higher on an idle machine than on a busy one.

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
             "graph_api_jsonl": ("graph_api", ("posts.jsonl", "comments.jsonl")),
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


def floor(path: Path):
    """pyarrow alone parsing ``path`` (None when pyarrow has no parse of it: a JSON document)."""
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson

    if path.suffix == ".csv":
        text = path.read_bytes()[:65536].decode("utf-8", "replace").split("\n", 1)[0]
        delimiter = ";" if text.count(";") > text.count(",") else ","
        return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True))
    if path.suffix == ".jsonl":  # a comment thread is one line and can be long: blocks big enough for any line
        return pajson.read_json(path, read_options=pajson.ReadOptions(block_size=64 << 20))
    return None


def best_of(path: Path, reader: str, repeat: int) -> tuple:
    """``(rows, reader seconds, floor seconds or None)``: the best of ``repeat`` runs, alternating."""
    read_s, floor_s, n = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        has_floor = floor(path) is not None
        if has_floor:
            floor_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        parsed = read_file(path, format=reader, name=path.name)
        read_s.append(time.perf_counter() - start)
        n = _count(parsed)
        del parsed
    return n, min(read_s), min(floor_s) if floor_s else None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=40, help="pages of the generated corpus")
    parser.add_argument("--years", type=float, default=5, help="years of the generated corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each file (best of)")
    parser.add_argument("--only", default="", help="formats to measure, comma-separated (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "data" / "readers")
    parser.add_argument("--folder", type=Path, help="measure the JSON Lines and CSV files of this folder instead")
    args = parser.parse_args(argv)
    only = {f for f in args.only.split(",") if f}
    if args.folder:
        report({"folder": (None, [p for p in sorted(args.folder.iterdir())
                                  if p.suffix in (".jsonl", ".csv") and p.stat().st_size > 1e6])}, args.repeat)
        return
    args.out.mkdir(parents=True, exist_ok=True)

    # the generator: 40 pages x 5 years gives > 100k comments; posts are counted separately
    corpus = sample.generate(n_pages=args.pages, years=args.years, seed=3, activity=2.5)
    tweets = writers.as_tweets(corpus.pages, corpus.posts, corpus.comments)
    files = {}
    for fmt, (reader, names) in GENERATED.items():
        if only and fmt not in only:
            continue
        folder = args.out / fmt
        tables = tweets if fmt.startswith("x_v2") else (corpus.pages, corpus.posts, corpus.comments)
        writers.write(*tables, folder, format=fmt)
        files[fmt] = (reader, [folder / n for n in names])
    for fmt, rel in REPEATED.items():
        if only and fmt not in only:
            continue
        folder = args.out / fmt
        folder.mkdir(exist_ok=True)
        src = FIXTURES / rel
        dst = folder / src.name
        (_repeat_csv if src.suffix == ".csv" else _repeat_json)(src, dst, args.rows)
        files[fmt] = (fmt, [dst])

    report(files, args.repeat)


def report(files: dict, repeat: int) -> None:
    """Print rows, seconds, rows/s, the floor and the ratio of each file."""
    print(f"{'format':<16} {'file':<16} {'MB':>6} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'floor s':>8} "
          f"{'÷ floor':>8}")
    for fmt, (reader, paths) in files.items():
        for path in sorted(paths):
            n, seconds, floor_s = best_of(path, reader, repeat)
            mb = path.stat().st_size / 1e6
            ratio = f"{seconds / floor_s:>8.1f}" if floor_s else f"{'-':>8}"
            floor_text = f"{floor_s:>8.2f}" if floor_s else f"{'-':>8}"
            print(f"{fmt:<16} {path.name:<16} {mb:>6.0f} {n:>9,} {seconds:>8.2f} {n / seconds:>9,.0f} {floor_text} "
                  f"{ratio}", flush=True)


if __name__ == "__main__":
    main()
