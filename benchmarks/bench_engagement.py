"""Time the engagement analysis on a generated country-scale dataset (default 290 pages, 5 years).

Usage: ``python benchmarks/bench_engagement.py [--pages 290] [--years 5] [--seed 1]``
Prints the size and the seconds of each step: post metrics (with tone), NMF topics, and the
negative binomial and Poisson models with page fixed effects and clustered errors.
"""

from __future__ import annotations

import argparse
import resource
import time

from kommunsocial import engagement, sample
from kommunsocial.clean import detect_language


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=290)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    t = time.perf_counter()
    ds = sample.generate(n_pages=args.pages, years=args.years, seed=args.seed).dataset()
    print(f"generated {len(ds.pages)} pages, {len(ds.posts):,} posts, {len(ds.comments):,} comments "
          f"in {time.perf_counter() - t:.0f} s")
    posts = ds.posts.assign(lang=detect_language(ds.posts["text"]))
    ds = type(ds)(ds.pages, posts, ds.comments)

    def step(name, func):
        start = time.perf_counter()
        out = func()
        print(f"{name:<40} {time.perf_counter() - start:8.1f} s")
        return out

    m = step("post_metrics (formality index)", lambda: engagement.post_metrics(ds))
    m["topic"], _ = step("topics (NMF, 12 per language)", lambda: engagement.topics(ds.posts["text"], lang=ds.posts["lang"]))
    formula = "comments ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(weekday) + C(page_id)"
    res = step("negative binomial, page FE, clustered", lambda: engagement.fit(m, formula=formula, exposure="followers"))
    step("poisson, page FE, clustered", lambda: engagement.fit(m, formula=formula, exposure="followers",
                                                               family="poisson"))
    row = engagement.irr_table(res).set_index("term").loc["tone: conversational"]
    print(f"IRR conversational (comments): {row['irr']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}], "
          f"planted {sample.IRR['comments']['conversational']}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.1f} GB")


if __name__ == "__main__":
    main()
