"""Time and memory of the fast count-model solver at country scale (a plain script; prints figures).

By default simulates 600,000 posts of 290 pages shaped like :func:`kommunsocial.engagement.post_metrics`
(tone, 24 topics, 5 post types, weekday, month: 46 dense columns with the intercept, and 289 page
effects),
with comments drawn from an NB2 model with page effects and α = 0.8, and fits the notebook's
model — NB2, page fixed effects, followers as exposure, errors clustered by page — with
``engagement.fit(method="fast")``::

    python benchmarks/bench_countfit.py [--rows 600000] [--pages 290] [--family negbin] [--check 20000]
    python benchmarks/bench_countfit.py --generate [--save posts.pkl] [--check 20000]

``--generate`` uses ``sample.generate(n_pages=290, years=5, seed=1, activity=3)`` with the
formality index and NMF topics instead (many minutes and several GB to generate); the post
metrics are saved (``--save``, a temporary file by default) and fitted in a fresh process, so
that the peak memory is the fit's. ``--posts FILE`` fits saved metrics (a pickle). ``--check N``
refits N random posts with statsmodels (``method="statsmodels"``) and prints the largest
relative differences; at full scale statsmodels needs 10–20 minutes and more than 8 GB per fit,
so it is not run there. Peak memory is sampled by ``benchmarks/meter.py`` over this process and
its children (:func:`peak_mb`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kommunsocial import engagement

sys.path.insert(0, str(Path(__file__).resolve().parent))
from meter import Meter  # noqa: E402  (the benchmarks' one way of measuring)

_METER = None  # started by main()

FORMULA = "comments ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(weekday) + C(month) + C(page_id)"


def simulate(rows: int, pages: int, seed: int = 1, alpha: float = 0.8) -> pd.DataFrame:
    """Posts with the columns the model uses; page effects, followers and covariates at random."""
    rng = np.random.default_rng(seed)
    page_ids = np.array([f"{100000000000000 + i * 7919:d}" for i in range(pages)])
    page = rng.integers(0, pages, rows)
    followers = np.exp(rng.normal(8.5, 1.0, pages)).round()[page]
    topics = np.array([f"{lang}:{i}" for lang in ("sv", "no") for i in range(12)])
    data = pd.DataFrame({
        "page_id": pd.array(page_ids[page], dtype="string"),
        "tone": pd.array(rng.choice(["formal", "conversational"], rows, p=[0.6, 0.4]), dtype="string"),
        "topic": pd.array(topics[rng.integers(0, len(topics), rows)], dtype="string"),
        "post_type": pd.Categorical(rng.choice(["photo", "link", "status", "video", "event"], rows)),
        "weekday": pd.Categorical(rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], rows)),
        "month": pd.array(rng.integers(1, 13, rows).astype(str), dtype="string"),
        "followers": pd.array(followers.astype(int), dtype="Int64"),
    })
    conversational = np.asarray(data["tone"] == "conversational", dtype=float)
    topic_effect = dict(zip(topics, rng.normal(0, 0.3, len(topics))))
    eta = (np.log(followers / 1000) + rng.normal(0, 0.7, pages)[page] + 0.4 * conversational
           + np.asarray(data["topic"].map(topic_effect), dtype=float) - 0.5)
    mu = np.exp(eta)
    data["comments"] = pd.array(rng.poisson(rng.gamma(1 / alpha, mu * alpha)), dtype="Int64")
    return data


def generated(pages: int, years: float, seed: int, activity: float) -> pd.DataFrame:
    """Post metrics with tone and topics of a generated corpus (as ``bench_engagement.py``)."""
    from kommunsocial import sample
    from kommunsocial.clean import detect_language

    ds = sample.generate(n_pages=pages, years=years, seed=seed, activity=activity).dataset()
    posts = ds.posts.assign(lang=detect_language(ds.posts["text"]))
    ds = type(ds)(ds.pages, posts, ds.comments)
    m = engagement.post_metrics(ds)
    m["topic"], _ = engagement.topics(ds.posts["text"], lang=ds.posts["lang"])
    m["month"] = m["month"].astype(str).str[-2:]
    return m


def peak_mb() -> float:
    """Peak resident memory (MB) of this process and its children since the meter started."""
    return _METER.peak_gb() * 1024 if _METER is not None else float("nan")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--pages", type=int, default=290)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--family", choices=("negbin", "poisson"), default="negbin")
    parser.add_argument("--check", type=int, default=0, help="refit N random posts with statsmodels")
    parser.add_argument("--generate", action="store_true", help="use sample.generate (290 pages, 5 years)")
    parser.add_argument("--save", help="with --generate: where to save the post metrics (a pickle)")
    parser.add_argument("--posts", help="fit saved post metrics (a pickle) instead of simulating")
    args = parser.parse_args(argv)
    global _METER
    _METER = Meter()
    _METER.step("run")

    t = time.perf_counter()
    if args.generate:
        posts = generated(args.pages, 5, args.seed, 3)
        print(f"generated {len(posts):,} posts in {time.perf_counter() - t:.0f} s (peak memory {peak_mb():.0f} MB); "
              "fitting in a fresh process", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            path = args.save or str(Path(tmp) / "posts.pkl")
            posts.to_pickle(path)
            del posts
            rest = ["--family", args.family, "--check", str(args.check)]
            subprocess.run([sys.executable, __file__, "--posts", path, *rest], check=True)
        return
    if args.posts:
        posts = pd.read_pickle(args.posts)
    else:
        posts = simulate(args.rows, args.pages, args.seed)
    print(f"{len(posts):,} posts of {posts['page_id'].nunique()} pages in {time.perf_counter() - t:.1f} s; "
          f"peak memory so far {peak_mb():.0f} MB")

    t = time.perf_counter()
    res = engagement.fit(posts, formula=FORMULA, family=args.family, exposure="followers", method="fast")
    seconds = time.perf_counter() - t
    dense = len(res.params) - sum(p.startswith("C(page_id)") for p in res.params.index)
    print(f"{args.family} fit, page effects absorbed, clustered by page: {seconds:.1f} s, "
          f"{res.mle_retvals['iterations']} Newton iterations, converged={res.converged}; "
          f"{len(res.params)} parameters ({dense} besides the page effects)")
    print(f"peak memory after the fit {peak_mb():.0f} MB")
    tone = "C(tone, Treatment('formal'))[T.conversational]"
    print(f"IRR conversational {np.exp(res.params[tone]):.3f} "
          f"[{np.exp(res.conf_int().loc[tone, 0]):.3f}, {np.exp(res.conf_int().loc[tone, 1]):.3f}]"
          + (f", alpha {res.params['alpha']:.3f}" if "alpha" in res.params else ""))

    if args.check:
        check(posts, args.check, args.family)


def check(posts: pd.DataFrame, n: int, family: str) -> None:
    """Refit ``n`` random posts with both methods and print the largest relative differences.

    Where the fast fit has effects at ±∞ (a small topic whose posts all have zero comments),
    statsmodels' Newton fails and its BFGS stops short of the maximum, so the comparison is with
    statsmodels' fit of the rows that are not at that limit (``rows_at_limit``), its standard
    errors rescaled to the small-sample factor of all rows, clusters and parameters.
    """
    small = posts.sample(n=min(n, len(posts)), random_state=0)
    t = time.perf_counter()
    fast = engagement.fit(small, formula=FORMULA, family=family, exposure="followers", method="fast")
    t_fast = time.perf_counter() - t
    t = time.perf_counter()
    ref = engagement.fit(small.drop(index=fast.rows_at_limit), formula=FORMULA, family=family,
                         exposure="followers", method="statsmodels")
    t_sm = time.perf_counter() - t
    factor = 1.0
    if fast.diverged:
        def small_sample(n_clusters, rows, k):
            return n_clusters / (n_clusters - 1) * (rows - 1) / (rows - k)

        factor = (small_sample(fast.n_clusters, fast.nobs, len(fast.params))
                  / small_sample(ref.kommunsocial["n_clusters"], ref.nobs, len(ref.params)))
        print(f"{len(fast.diverged)} effects at ±∞ ({', '.join(fast.diverged[:3])}, …): statsmodels refits "
              f"without their {len(fast.rows_at_limit)} zero-count posts")
    keep = [p for p in fast.params.index if p not in fast.diverged]
    dense = [p for p in keep if not p.startswith("C(page_id)")]

    def rel(a, b):
        return float(np.max(np.abs(a - b) / np.abs(b)))

    print(f"{len(small):,} random posts: fast {t_fast:.1f} s, statsmodels {t_sm:.1f} s; max relative difference "
          f"params {rel(fast.params[keep], ref.params[keep]):.1e}, "
          f"bse {rel(fast.bse[dense], ref.bse[dense] * np.sqrt(factor)):.1e} (non-page terms)")

if __name__ == "__main__":
    main()
