"""Time graph building and responsiveness on a generated country-scale corpus.

Usage::

    python benchmarks/bench_network.py [--pages 290] [--years 5] [--activity 1] [--seed 1]
                                       [--data DIR] [--skip-communities]

Generates ``ks.sample.generate(n_pages, years, seed, activity)``, turns it into a Dataset
(commenters pseudonymised as ``SampleCorpus.dataset`` does), and prints the wall-clock seconds of
each step of ``kommunsocial.network`` with the sizes it worked on. ``--years 5 --activity 3`` is the
size of a country (about 600,000 posts and 3 million comments). With ``--data DIR`` the Dataset is
read from DIR, or generated once and saved there (``benchmarks/data/`` is not committed).

The reply graph is built as arrays, then as a networkx graph through networkx's public API, and,
for comparison, by the builder the package used before (``benchmarks/reference/``), which wrote
networkx's private dicts.

Memory: the peak of the whole process (generating the corpus included) and, where Linux lets a
process reset its peak, the peak while the steps ran. Plain script: no assertions, figures only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import kommunsocial as ks
from kommunsocial import network

sys.path.insert(0, str(Path(__file__).resolve().parent))
from meter import Meter  # noqa: E402  (the benchmarks' one way of measuring)
from reference.direct_networkx import to_networkx_direct  # noqa: E402


def corpus_dataset(corpus) -> ks.Dataset:
    """``corpus.dataset()``, or the same conversion filling the bookkeeping columns it may lack."""
    try:
        return corpus.dataset()
    except ks.SchemaError:
        pass
    from kommunsocial import clean, privacy

    key = f"sample-{corpus.seed}".encode()
    comments = corpus.comments.copy()
    keys = "facebook:" + comments["author_platform_id"].astype("string")
    comments["author_id"] = privacy.pseudonymise(keys, key).where(~comments["author_is_page"], comments["page_id"])
    comments = comments.drop(columns=["author_name", "author_platform_id", "page_id"])
    comments = comments.drop(columns=[c for c in comments if c.startswith("_")])
    posts = corpus.posts.drop(columns=[c for c in corpus.posts if c.startswith("_")])
    out = []
    for frame in (posts, comments):
        frame = frame.copy()
        frame["source_format"], frame["source_file"] = "csv", "generated"
        frame["source_row"] = range(1, len(frame) + 1)
        features = clean.text_features(frame["text"])
        for col in features:
            frame[col] = features[col].to_numpy()
        out.append(frame)
    return ks.Dataset(corpus.pages, out[0], out[1])


def load(args) -> ks.Dataset:
    """The corpus of ``args`` as a Dataset: read from ``args.data`` when saved there, else generated."""
    folder = Path(args.data) if args.data else None
    if folder is not None and folder.is_dir():
        try:
            ds, _ = timed(f"read saved Dataset ({folder})", ks.Dataset.read, folder)
            return ds
        except FileNotFoundError:
            pass
    corpus, _ = timed("generate corpus", ks.sample.generate, n_pages=args.pages, years=args.years, seed=args.seed,
                      activity=args.activity)
    ds, _ = timed("corpus → Dataset (pseudonymised, validated)", corpus_dataset, corpus)
    del corpus
    if folder is not None:
        timed(f"save Dataset ({folder})", ds.save, folder)
    return ds


def timed(label, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - started
    print(f"{label:<48s} {seconds:8.2f} s", flush=True)
    return result, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=290)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--activity", type=float, default=1.0, help="multiplies every page's posting rate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", help="read the Dataset from this folder, or generate it and save it there")
    parser.add_argument("--skip-communities", action="store_true")
    args = parser.parse_args(argv)

    print(f"kommunsocial {ks.__version__}: network benchmark, {args.pages} pages × {args.years} years, "
          f"activity {args.activity}, seed {args.seed}")
    ds = load(args)
    print(f"size: {len(ds.pages):,} pages, {len(ds.posts):,} posts, {len(ds.comments):,} comments, "
          f"{int(ds.comments['author_is_page'].sum()):,} by pages")
    meter = Meter()
    meter.step("graph building + responsiveness")

    total = 0.0
    table, s = timed("comment_table (threads resolved)", network.comment_table, ds)
    total += s
    th, s = timed("threads", network.threads, ds, table=table)
    total += s
    R, s = timed("reply_tables (all pages, arrays)", network.reply_tables, ds)
    total += s
    G, s = timed("  .to_networkx() (networkx's public API)", R.to_networkx)
    total += s
    print(f"  reply graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    # the builder before, which wrote networkx's private dicts: timed for comparison, not counted
    _, _ = timed("  reference: written into G._node/_adj/_pred", to_networkx_direct, R)
    B, s = timed("bipartite_graph", network.bipartite_graph, ds)
    total += s
    print(f"  two-mode graph: {B.number_of_nodes():,} nodes, {B.number_of_edges():,} edges")
    C, s = timed("commenter_graph (min_weight=2)", network.commenter_graph, ds, min_weight=2)
    total += s
    print(f"  co-commenting graph: {C.number_of_nodes():,} nodes, {C.number_of_edges():,} edges")
    resp, s = timed("responsiveness by page", network.responsiveness, ds)
    total += s
    print(f"  {len(resp)} rows, {int(resp['threads'].sum()):,} threads, "
          f"{int(resp['answered_threads'].sum()):,} answered")
    monthly, s = timed("responsiveness by page and month", network.responsiveness, ds, by=["page_id", "month"])
    total += s
    print(f"  {len(monthly):,} rows")
    print(f"{'graph building + responsiveness (sum of the above)':<48s} {total:8.2f} s")
    meter.step("measures, communities and export")

    measures, _ = timed("page_measures (every page's reply graph)", network.page_measures, ds)
    _, _ = timed("graph_measures (all pages, arrays)", network.graph_measures, R)
    _, _ = timed("graph_measures (all pages, networkx graph)", network.graph_measures, G)
    _, _ = timed("top_actors by in-degree (sampled betweenness)", network.top_actors, G, 10)
    if not args.skip_communities:
        comm, _ = timed("communities of the co-commenting graph", network.communities, C, seed=0)
        print(f"  {comm.nunique():,} communities by {comm.attrs['method']}, modularity "
              f"{comm.attrs['modularity']:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        path, _ = timed("export reply graph as GEXF", network.export, G, Path(tmp) / "reply.gexf")
        print(f"  {path.stat().st_size / 1e6:.1f} MB")
    for step in meter.close():
        print(f"peak memory of {step['step']}: {step['peak_rss_gb'] * 1024:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
