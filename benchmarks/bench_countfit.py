"""Time and memory of the count models at country scale (a plain script; prints figures).

By default simulates 600,000 posts of 290 pages shaped like :func:`kommunsocial.engagement.post_metrics`
(tone, 24 topics, 5 post types, weekday, month: 46 dense columns with the intercept, and 289 page
effects),
with comments drawn from an NB2 model with page effects and α = 0.8, and fits the notebook's
model — NB2, page fixed effects, followers as exposure, errors clustered by page — with
``engagement.fit``. ``--one-language`` gives each page one language (Swedish or Norwegian) and
topics per language, as in a Nordic corpus: one topic per language is then collinear with the
page effects and dropped (``result.dropped``)::

    python benchmarks/bench_countfit.py [--rows 600000] [--pages 290] [--family negbin] [--one-language]
                                        [--check 20000]
    python benchmarks/bench_countfit.py --generate [--save posts.pkl] [--check 20000]

``--generate`` uses ``sample.generate(n_pages=290, years=5, seed=1, activity=3)`` with the
formality index and NMF topics instead (many minutes and several GB to generate); the post
metrics are saved (``--save``, a temporary file by default) and fitted in a fresh process, so
that the peak memory is the fit's. ``--posts FILE`` fits saved metrics (a pickle). ``--check N``
refits N random posts with statsmodels' own ``smf.negativebinomial`` / ``smf.glm`` and prints the
largest differences; at full scale statsmodels needs 10–20 minutes and more than 8 GB per fit,
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


def simulate(rows: int, pages: int, seed: int = 1, alpha: float = 0.8, one_language: bool = False) -> pd.DataFrame:
    """Posts with the columns the model uses; page effects, followers and covariates at random.

    With ``one_language`` each page writes Swedish or Norwegian only and draws its topics from its
    language's twelve.
    """
    rng = np.random.default_rng(seed)
    page_ids = np.array([f"{100000000000000 + i * 7919:d}" for i in range(pages)])
    page = rng.integers(0, pages, rows)
    followers = np.exp(rng.normal(8.5, 1.0, pages)).round()[page]
    topics = np.array([f"{lang}:{i}" for lang in ("sv", "no") for i in range(12)])
    tone = rng.choice(["formal", "conversational"], rows, p=[0.6, 0.4])
    topic = rng.integers(0, len(topics), rows)
    if one_language:  # pages 0, 2, 4 … Swedish (topics 0–11), the others Norwegian (12–23)
        topic = topic % 12 + 12 * (page % 2)
    data = pd.DataFrame({
        "page_id": pd.array(page_ids[page], dtype="string"),
        "tone": pd.array(tone, dtype="string"),
        "topic": pd.array(topics[topic], dtype="string"),
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
    parser.add_argument("--one-language", action="store_true", help="each page one language, topics per language")
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
        posts = simulate(args.rows, args.pages, args.seed, one_language=args.one_language)
    print(f"{len(posts):,} posts of {posts['page_id'].nunique()} pages in {time.perf_counter() - t:.1f} s; "
          f"peak memory so far {peak_mb():.0f} MB")

    t = time.perf_counter()
    res = engagement.fit(posts, formula=FORMULA, family=args.family, exposure="followers")
    seconds = time.perf_counter() - t
    dense = len(res.params) - sum(p.startswith("C(page_id)") for p in res.params.index)
    print(f"{args.family} fit, page effects absorbed, clustered by page: {seconds:.1f} s, "
          f"{res.mle_retvals['iterations']} Newton iterations, converged={res.converged}; "
          f"{len(res.params)} parameters ({dense} besides the page effects), {len(res.dropped)} dropped"
          + "".join(f"\n  dropped {name}: {why}" for name, why in res.dropped.items()))
    print(f"peak memory after the fit {peak_mb():.0f} MB")
    tone = "C(tone, Treatment('formal'))[T.conversational]"
    print(f"IRR conversational {np.exp(res.params[tone]):.3f} "
          f"[{np.exp(res.conf_int().loc[tone, 0]):.3f}, {np.exp(res.conf_int().loc[tone, 1]):.3f}]"
          + (f", alpha {res.params['alpha']:.3f}" if "alpha" in res.params else ""))

    if args.check:
        check(posts, args.check, args.family)


def check(posts: pd.DataFrame, n: int, family: str) -> None:
    """Refit ``n`` random posts with ``engagement.fit`` and with statsmodels; print the largest differences.

    Where ``engagement.fit`` has effects at ±∞ (a small topic whose posts all have zero comments),
    statsmodels' Newton fails, so the comparison is with statsmodels' fit of the rows that are not
    at that limit (``rows_at_limit``), on the parameters that are finite. Columns
    ``engagement.fit`` dropped as collinear are left out of statsmodels' formula by merging their
    level into the reference (statsmodels cannot fit them); the sample must then have no such
    columns, or the check says so.
    """
    import warnings

    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    small = posts.sample(n=min(n, len(posts)), random_state=0)
    t = time.perf_counter()
    res = engagement.fit(small, formula=FORMULA, family=family, exposure="followers", cluster=None)
    t_fit = time.perf_counter() - t
    if res.dropped:
        print(f"check skipped: {len(res.dropped)} collinear columns dropped, which statsmodels cannot fit")
        return
    data = small.drop(index=res.rows_at_limit)
    data = data.astype({c: object for c in data.columns if isinstance(data[c].dtype, pd.StringDtype)})
    data = data.astype({"comments": float, "followers": float})
    data = data.assign(**{c: data[c].cat.remove_unused_categories() for c in data.columns
                          if isinstance(data[c].dtype, pd.CategoricalDtype)})
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exposure = data["followers"].to_numpy()
        if family == "negbin":
            ref = smf.negativebinomial(FORMULA, data, exposure=exposure).fit(disp=False, method="newton", maxiter=200)
        else:
            ref = smf.glm(FORMULA, data, family=sm.families.Poisson(), exposure=exposure).fit(tol=1e-13)
    t_sm = time.perf_counter() - t
    keep = [p for p in res.params.index if p not in res.diverged]
    print(f"{len(small):,} random posts: engagement.fit {t_fit:.1f} s, statsmodels {t_sm:.1f} s; largest absolute "
          f"difference: params {np.max(np.abs(res.params[keep] - ref.params[keep])):.1e}, "
          f"bse {np.max(np.abs(res.bse[keep] - ref.bse[keep])):.1e} (model-based errors; {len(res.diverged)} "
          f"effects at ±∞ left out)")


if __name__ == "__main__":
    main()
