"""Recovery of a planted tone effect when the measured tone is wrong on some posts: naive, adjusted, corrected.

Semi-synthetic data from the bundled sample's generator (``kommunsocial.sample.generate``): its
posts, pages, times, topics and post types, and its planted tone (``_tone``) as the gold tone.
The measured tone is the planted one flipped on ``--flip`` of the posts (seeded); a coded sample
of ``--coded`` posts is drawn as researchers draw it (:func:`kommunsocial.tone.coding.sample_for_coding`,
stratified by page, quarter and post type) and its inclusion probabilities recomputed
(:func:`~kommunsocial.tone.coding.inclusion_probabilities`). Then
:func:`kommunsocial.engagement.recovery_check` simulates the comments ``--n-sim`` times with the
planted IRR ``--irr`` and the nuisance structure of the naive fit, and reports the bias (% of
the IRR) and the coverage of the 95 % intervals of the naive (tone alone), adjusted (controls,
page effects, followers as exposure) and corrected (adjusted + DSL) estimates, for the Swedish
pages alone and for the Swedish and Norwegian pages together. Nothing is downloaded::

    python benchmarks/tone_effect_recovery.py [--n-sim 200] [--flip 0.1] [--coded 400] [--years 2] [--keep-coded]

Each replication draws a new coded sample with the posts' probabilities (``redraw=True``), so the
bias is over samples of the design; ``--keep-coded`` keeps the one sample, conditional on it.

It also prints, once, the three estimates of the sample's own planted comments IRR (1.6).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from kommunsocial import engagement, sample
from kommunsocial.config import page_timezone
from kommunsocial.tone import coding

FORMULA = "comments ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(weekday) + C(page_id)"
SEED = 20261207


def semi_synthetic(*, years: float, flip: float, coded: int, seed: int, countries) -> pd.DataFrame:
    """The sample's posts of ``countries`` with a flipped tone measure, a coded sample and its probabilities."""
    corpus = sample.generate(n_pages=12, years=years, seed=0)
    pages = corpus.pages[corpus.pages["country"].isin(countries)]
    posts = corpus.posts[corpus.posts["page_id"].isin(pages["page_id"])].reset_index(drop=True)
    country = posts["page_id"].map(pages.set_index("page_id")["country"])
    local = [t.tz_convert(page_timezone(c)) for t, c in zip(posts["created_at"], country)]
    rng = np.random.default_rng([seed, 1])
    truth = posts["_tone"].astype(str).to_numpy()
    flipped = rng.random(len(posts)) < flip
    measured = np.where(flipped, np.where(truth == "formal", "conversational", "formal"), truth)
    sheet = coding.sample_for_coding(posts, coded, seed=seed)
    p = coding.inclusion_probabilities(posts, coded)
    out = pd.DataFrame({"post_id": posts["post_id"], "page_id": posts["page_id"],
                        "comments": posts["n_comments"].astype("int64"),
                        "followers": posts["followers_at_posting"].astype(float), "topic": posts["_topic"],
                        "post_type": posts["post_type"], "weekday": [t.day_name()[:3] for t in local],
                        "tone": measured, "true_tone": truth})
    out["gold_tone"] = out["true_tone"].where(out["post_id"].isin(sheet["id"])).astype("string")
    out["p_coded"] = out["post_id"].map(p).to_numpy(dtype=float)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sim", type=int, default=200)
    parser.add_argument("--flip", type=float, default=0.10)
    parser.add_argument("--coded", type=int, default=400)
    parser.add_argument("--irr", type=float, default=1.5)
    parser.add_argument("--years", type=float, default=2)
    parser.add_argument("--keep-coded", action="store_true",
                        help="keep the one coded sample in every replication (results conditional on it)")
    args = parser.parse_args(argv)
    rows = []
    for label, countries in (("SE", ("SE",)), ("SE+NO", ("SE", "NO"))):
        posts = semi_synthetic(years=args.years, flip=args.flip, coded=args.coded, seed=SEED, countries=countries)
        agreement = float((posts["tone"] == posts["true_tone"]).mean())
        start = time.perf_counter()
        check = engagement.recovery_check(posts, FORMULA, irr=args.irr, exposure="followers", n_sim=args.n_sim,
                                          seed=SEED, redraw=not args.keep_coded)
        seconds = time.perf_counter() - start
        print(f"\n{label}: {len(posts)} posts, {posts['page_id'].nunique()} pages, "
              f"{int(posts['gold_tone'].notna().sum())} coded, agreement {agreement:.3f}, "
              f"{args.n_sim} replications in {seconds:.1f} s")
        print(check.misclassification.round(3).to_string())
        print(check.table.round(3).to_string())
        for note in check.notes:
            print("  note:", note)
        rows.append(check.table.assign(pages=label, posts=len(posts), seconds=round(seconds, 1)))
        own = engagement.corrected_fit(posts, FORMULA, exposure="followers")
        naive = engagement.fit(posts, formula="comments ~ C(tone, Treatment('formal'))", exposure=None)
        print("the sample's own comments (planted IRR 1.6): naive {:.3f}, adjusted {:.3f}, corrected {:.3f} "
              "[{:.3f}, {:.3f}]".format(*(engagement.irr_table(r).iloc[0]["irr"] for r in (naive, own.naive, own)),
                                        engagement.irr_table(own).iloc[0]["ci_low"],
                                        engagement.irr_table(own).iloc[0]["ci_high"]))
    print("\n" + pd.concat(rows).reset_index().set_index(["pages", "estimator"]).round(3).to_string())


if __name__ == "__main__":
    main()
