"""The seeded synthetic corpus: fictional municipalities' pages, posts and comment threads with
planted, documented effects that the analyses must recover.

>>> raw = generate(n_pages=2, years=1, seed=1)      # doctest: +SKIP
>>> write(raw, "data/raw/mysample")                  # doctest: +SKIP

What is planted (see :func:`planted`):

* **Tone.** A conversational post gets ``IRR["conversational"]`` times the expected top-level
  comments, reactions and shares of an otherwise identical formal post.
* **Confounding.** Crisis posts are mostly formal and draw many comments and reactions; council
  decisions are mostly formal and draw comments. Large municipalities post more formally. A naive
  comparison of conversational and formal posts is therefore misleading; adjusting for the page
  (fixed effects, followers as exposure) and the topic recovers the planted ratio.
* **Post type, weekday, hour** have their own multipliers.
* **Responsiveness.** Each page answers a citizen's top-level comment with its own probability
  (higher for questions) after a log-normal delay with its own median.
* **Texts as hard as real ones.** Not every post shows its tone (:data:`STYLE_WEIGHTS`, column
  ``_style``): plain notices, mixed voices and short posts are written in both tones, and formal and
  conversational posts about one service share their words, so the formality index agrees with the
  planted tone on about nine posts in ten, NMF topics are not registers, and the simulated coders
  (:data:`CODER_ERROR_RATES`) disagree mostly on the hard posts.

Topics are not written into the posts table (real exports have none); they are recoverable from
the text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._sample_text import PLAIN_FACT_SHARE, _bank, _Filler  # noqa: F401  (_bank: benchmarks read the names)
from .config import page_timezone
from .schema import Dataset

__all__ = ["generate", "write", "FORMATS", "CODED_POSTS", "planted", "read_planted", "planted_tone_irr", "TOPICS", "IRR", "STYLES",
           "SampleCorpus"]

STYLES = ("clear", "plain", "mixed", "short")
TOPICS = ("snow", "water", "school", "events", "crisis", "jobs", "council", "roads", "waste", "care", "leisure")

#: Incidence-rate ratios planted in the generator, by outcome: each term multiplies the expected count.
IRR = {
    "comments": {"conversational": 1.60, "crisis": 4.0, "council": 1.8, "snow": 1.4, "water": 1.3,
                 "video": 1.3, "photo": 1.1, "link": 0.7, "event": 0.9, "weekend": 1.15, "evening": 1.2},
    "reactions": {"conversational": 1.40, "crisis": 2.5, "council": 0.8, "snow": 1.2, "water": 1.0,
                  "video": 1.6, "photo": 1.4, "link": 0.6, "event": 1.0, "weekend": 1.1, "evening": 1.1},
    "shares": {"conversational": 1.20, "crisis": 6.0, "council": 0.7, "snow": 1.5, "water": 2.0,
               "video": 1.4, "photo": 1.0, "link": 1.2, "event": 1.5, "weekend": 1.0, "evening": 1.0},
}
#: Expected counts per 1,000 followers for a formal status post on a weekday morning of an average page.
BASE_PER_1000 = {"comments": 0.09, "reactions": 3.0, "shares": 0.25}
#: Negative-binomial dispersion (variance = mu + alpha * mu**2) of each count.
DISPERSION = {"comments": 0.7, "reactions": 0.5, "shares": 1.0}
#: Log-odds shift of a conversational tone by topic (crisis and council posts are mostly formal).
TONE_BY_TOPIC = {"crisis": -2.8, "council": -1.6, "care": -0.4, "water": -0.5, "jobs": 0.0, "roads": -0.2,
                 "waste": 0.2, "school": 0.3, "snow": 0.3, "events": 1.4, "leisure": 1.0}
TOPIC_WEIGHTS = {"snow": 0.10, "water": 0.07, "school": 0.10, "events": 0.15, "crisis": 0.07, "jobs": 0.08,
                 "council": 0.10, "roads": 0.09, "waste": 0.07, "care": 0.07, "leisure": 0.10}
POST_TYPE_WEIGHTS = {"photo": 0.50, "link": 0.22, "video": 0.10, "status": 0.12, "event": 0.06}
#: How a post is written (column ``_style``): ``clear`` in its tone's own words, ``plain`` a neutral
#: notice with no marker of either tone, ``mixed`` with the other tone's marks (a friendly post
#: quoting officialese, a formal one with an emoji bullet or addressing the reader), ``short`` a few
#: words. Real posts mix registers like this; the index misreads about one post in ten of this mix.
STYLE_WEIGHTS = {"clear": 0.74, "plain": 0.11, "mixed": 0.10, "short": 0.05}
#: The simulated coders' chance of the wrong tone (coder_a, coder_b) on clear posts and on the others
#: (:func:`kommunsocial.tone.coding.simulate_coders`): they know the planted tone better than the index
#: does, and disagree mostly where the text gives them little to go on.
#: Posts the two simulated coders code (a stratified random draw, as a researcher draws it): enough for
#: report 03's corrected tone effect to have an interval a reader can use (about 12 % of the sample).
CODED_POSTS = 400
CODER_ERROR_RATES = {"clear": (0.02, 0.04), "hard": (0.10, 0.16)}
#: Share of citizens' top-level comments that are questions to the municipality.
QUESTION_SHARE = 0.35
#: Expected citizen-to-citizen replies per thread.
CITIZEN_REPLIES_PER_THREAD = 0.35

_SE_NAMES = ["Sjövik", "Älvby", "Granåsen", "Norrbacka", "Lövsala", "Hjortviken", "Björkemåla", "Tallnäs",
             "Ekeberga", "Stenviken", "Rönnby", "Furuhamn", "Vattholma", "Ängsjö", "Lindkulla", "Havsbo"]
_SE_SUFFIX = ["", "s"]
_NO_NAMES = ["Fjordvik", "Bjørkdal", "Sandvåg", "Lyngstad", "Granheim", "Elvestrand", "Solbakken", "Furuvik",
             "Storåsen", "Havnøy", "Myrvoll", "Nordbygd", "Vindnes", "Skogli"]
_ROOTS_SE = ["Sjö", "Älv", "Gran", "Norr", "Löv", "Hjort", "Björk", "Tall", "Ek", "Sten", "Rönn", "Furu", "Ängs",
             "Lind", "Hav", "Berg", "Dal", "Myr", "Sand", "Ås"]
_ENDS_SE = ["vik", "by", "åsen", "backa", "sala", "viken", "måla", "näs", "berga", "hamn", "holma", "sjö",
            "kulla", "bo", "torp", "fors", "köping", "ström"]
_ROOTS_NO = ["Fjord", "Bjørk", "Sand", "Lyng", "Gran", "Elve", "Sol", "Furu", "Stor", "Havn", "Myr", "Nord",
             "Vind", "Skog", "Berg", "Dal", "Strand", "Ås", "Li", "Vik"]
_ENDS_NO = ["vik", "dal", "våg", "stad", "heim", "strand", "bakken", "øy", "voll", "bygd", "nes", "li", "sund",
            "fjord", "land", "berg"]


@dataclass
class SampleCorpus:
    """A generated corpus before ingestion: real commenter names and platform ids are still in it."""

    pages: pd.DataFrame
    posts: pd.DataFrame
    comments: pd.DataFrame
    truth: dict
    seed: int

    def dataset(self) -> Dataset:
        """The corpus as a :class:`Dataset` without the reading and cleaning steps, for benchmarks
        of the analyses: commenters pseudonymised (salt fixed by the seed), languages not detected."""
        from . import privacy
        from .clean import text_features

        key = f"sample-{self.seed}".encode()
        comments = self.comments.copy()
        keys = "facebook:" + comments["author_platform_id"].astype("string")
        comments["author_id"] = privacy.pseudonymise(keys, key).where(~comments["author_is_page"],
                                                                      comments["page_id"])
        comments = comments.drop(columns=["author_name", "author_platform_id", "page_id"]
                                 + [c for c in comments if c.startswith("_")])
        posts = self.posts.drop(columns=[c for c in self.posts if c.startswith("_")])
        for frame in (posts, comments):
            frame["source_format"] = "csv"
            frame["source_file"] = "sample"
            frame["source_row"] = np.arange(1, len(frame) + 1)
            feats = text_features(frame["text"])
            for col in feats:
                frame[col] = feats[col]
        return Dataset(self.pages, posts, comments, validate_links=True)


# ---------------------------------------------------------------------------------------------
def _pages(rng, n_pages: int):
    n_no = int(round(n_pages * 5 / 12)) if n_pages > 1 else 0
    countries = np.array(["SE"] * (n_pages - n_no) + ["NO"] * n_no)
    rng.shuffle(countries)
    used_names, used_codes, rows = set(), set(), []
    se_pool, no_pool = list(_SE_NAMES), list(_NO_NAMES)
    for i, country in enumerate(countries):
        pool = se_pool if country == "SE" else no_pool
        roots, ends = (_ROOTS_SE, _ENDS_SE) if country == "SE" else (_ROOTS_NO, _ENDS_NO)
        while True:
            base = pool.pop(0) if pool else roots[rng.integers(len(roots))] + ends[rng.integers(len(ends))]
            if base not in used_names:
                used_names.add(base)
                break
        while True:
            if country == "SE":  # county (01–25) + municipality (2 digits), e.g. "0187"
                code = f"{rng.choice([1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23, 24, 25]):02d}" \
                       f"{rng.integers(10, 99):02d}"
            else:  # county (03, 11, 15, 18, 31–56) + municipality, e.g. "4631"
                code = f"{rng.choice([3, 11, 15, 18, 31, 32, 33, 34, 39, 40, 42, 46, 50, 55, 56]):02d}" \
                       f"{rng.integers(1, 99):02d}"
            if code not in used_codes:
                used_codes.add(code)
                break
        if country == "SE":
            lang = "sv"
            # the genitive s of "Sjöviks kommun" follows a consonant; "Älvby kommun", "Lövsala kommun" take none
            genitive = rng.random() < 0.7 and base[-1].lower() not in "aeiouyåäösxz"
            name = f"{base}{'s' if genitive else ''} kommun"
        else:
            lang = "nn" if rng.random() < 0.35 else "nb"
            name = f"{base} kommune"
        population = int(np.exp(rng.uniform(np.log(3000), np.log(180000))))
        page_id = f"1000{rng.integers(10**10, 10**11 - 1)}"
        rows.append({"page_id": page_id, "platform": "facebook", "page_name": name,
                     "handle": base.lower().translate(str.maketrans("åäöøæé", "aaooae")) + "kommun" +
                     ("e" if country == "NO" else ""),
                     "municipality_code": code, "country": country, "population": population,
                     "_lang": lang, "_town": base})
    pages = pd.DataFrame(rows)
    size = np.log10(pages["population"] / 20000)
    pages["followers"] = (pages["population"] * rng.uniform(0.15, 0.45, len(pages))).round().astype(int)
    # big municipalities write more formally (a confounder of naive comparisons)
    pages["_tone_logit"] = rng.normal(0.2, 0.8, len(pages)) - 0.9 * size
    pages["_engagement"] = np.exp(rng.normal(0, 0.25, len(pages)))
    pages["_posts_per_day"] = np.clip(0.32 + 0.35 * size + rng.normal(0, 0.08, len(pages)), 0.15, 2.5)
    # conversational pages answer more often and faster ("dialogue" pages)
    conv = 1 / (1 + np.exp(-pages["_tone_logit"]))
    pages["answer_prob"] = np.clip(0.08 + 0.6 * conv + rng.normal(0, 0.08, len(pages)), 0.03, 0.9).round(3)
    pages["question_answer_prob"] = np.clip(pages["answer_prob"] * 1.6, 0, 0.97).round(3)
    pages["median_hours_to_answer"] = np.exp(rng.uniform(np.log(0.7), np.log(30), len(pages))).round(2)
    return pages


def _local_times(rng, n, start, days, tz, crisis):
    """Posting times: fewer posts at weekends, office hours in local time (crisis posts any time)."""
    day_weights = np.array([1.0, 1.0, 1.0, 1.0, 0.9, 0.35, 0.3])
    dates = pd.date_range(start, periods=days, freq="D")
    w = day_weights[dates.day_of_week]
    day = rng.choice(days, size=n, p=w / w.sum())
    hours_office = np.array([0, 0, 0, 0, 0, 0, 1, 3, 9, 9, 7, 6, 5, 7, 7, 6, 4, 2, 2, 2, 2, 1, 0.5, 0.2])
    hours_any = np.array([1, 0.5, 0.5, 0.5, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 6, 6, 5, 5, 5, 4, 4, 3, 2, 1.5])
    hour = np.where(crisis, rng.choice(24, size=n, p=hours_any / hours_any.sum()),
                    rng.choice(24, size=n, p=hours_office / hours_office.sum()))
    seconds = rng.integers(0, 3600, size=n)
    local = dates[day] + pd.to_timedelta(hour, unit="h") + pd.to_timedelta(seconds, unit="s")
    local = pd.DatetimeIndex(local).tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return local.tz_convert("UTC")


def _negbin(rng, mu, alpha):
    shape = 1.0 / alpha
    lam = rng.gamma(shape, mu / shape)
    return rng.poisson(lam)


def generate(*, n_pages: int = 12, years: float = 2, seed: int = 0, start: str = "2023-01-01",
             activity: float = 1.0, progress: bool = False) -> SampleCorpus:
    """Generate a corpus of ``n_pages`` fictional Swedish and Norwegian municipalities' Facebook pages.

    Parameters
    ----------
    n_pages, years : size of the corpus (``n_pages=290, years=5`` is a country at scale).
    seed : every random draw comes from ``numpy.random.default_rng(seed)``; the same seed gives
        the same corpus, byte for byte once written.
    start : first day (local time).
    activity : multiplies every page's posting rate.

    Returns a :class:`SampleCorpus`: real-looking commenter names and ids are still in it, as in a
    raw export. :func:`write` saves it as export files; :func:`planted` gives the truth.
    """
    rng = np.random.default_rng(seed)
    pages = _pages(rng, n_pages)
    days = int(round(365.25 * years))
    start_ts = pd.Timestamp(start)
    post_frames, comment_frames = [], []
    for _, page in pages.iterrows():
        prng = np.random.default_rng([seed, int(page["page_id"]) % (2**32)])
        posts, comments = _page_content(prng, page, start_ts, days, activity)
        post_frames.append(posts)
        comment_frames.append(comments)
    posts = pd.concat(post_frames, ignore_index=True)
    comments = pd.concat(comment_frames, ignore_index=True)
    truth = _truth(pages, seed=seed, n_pages=n_pages, years=years, start=start, activity=activity)
    pages_out = pages[["page_id", "platform", "page_name", "handle", "municipality_code", "country", "followers",
                       "population"]].copy()
    return SampleCorpus(pages_out, posts, comments, truth, seed)


def _page_content(rng, page, start, days, activity):
    lang, tz = page["_lang"], page_timezone(page["country"])
    bank = _bank(lang)
    n = rng.poisson(page["_posts_per_day"] * days * activity)
    # topic depends on the season: snow only in winter months
    probs_winter = np.array([TOPIC_WEIGHTS[t] for t in TOPICS])
    probs_summer = probs_winter.copy()
    probs_summer[TOPICS.index("snow")] = 0
    probs_winter[TOPICS.index("snow")] *= 2.2
    # draw times first with a provisional crisis flag, then topics by month
    crisis_flag = rng.random(n) < TOPIC_WEIGHTS["crisis"]
    created = _local_times(rng, n, start, days, tz, crisis_flag)
    local = created.tz_convert(tz)
    month_of = local.month
    winter = np.isin(month_of, [11, 12, 1, 2, 3])
    topic = np.empty(n, dtype=object)
    others = [t for t in TOPICS if t != "crisis"]
    pw = np.array([probs_winter[TOPICS.index(t)] for t in others])
    ps = np.array([probs_summer[TOPICS.index(t)] for t in others])
    topic[~crisis_flag & winter] = rng.choice(others, size=int((~crisis_flag & winter).sum()), p=pw / pw.sum())
    topic[~crisis_flag & ~winter] = rng.choice(others, size=int((~crisis_flag & ~winter).sum()), p=ps / ps.sum())
    topic[crisis_flag] = "crisis"
    types = np.array(list(POST_TYPE_WEIGHTS))
    tw = np.array(list(POST_TYPE_WEIGHTS.values()))
    post_type = rng.choice(types, size=n, p=tw / tw.sum())
    post_type[(topic == "events") & (rng.random(n) < 0.35)] = "event"
    post_type[(topic != "events") & (post_type == "event")] = "photo"
    logit = page["_tone_logit"] + np.array([TONE_BY_TOPIC[t] for t in topic])
    conversational = rng.random(n) < 1 / (1 + np.exp(-logit))
    weekend = local.day_of_week >= 5
    evening = (local.hour >= 17) | (local.hour < 6)
    growth = 0.85 + 0.15 * (np.asarray((created - created.min()).total_seconds()) / max(1, days * 86400))
    followers_at = np.round(page["followers"] * growth).astype(int)
    counts = {}
    for outcome in ("comments", "reactions", "shares"):
        irr = IRR[outcome]
        mu = BASE_PER_1000[outcome] * followers_at / 1000 * page["_engagement"]
        mu = mu * np.where(conversational, irr["conversational"], 1.0)
        mu = mu * np.array([irr.get(t, 1.0) for t in topic]) * np.array([irr.get(t, 1.0) for t in post_type])
        mu = mu * np.where(weekend, irr["weekend"], 1.0) * np.where(evening, irr["evening"], 1.0)
        counts[outcome] = _negbin(rng, mu, DISPERSION[outcome])
    order = np.argsort(np.asarray(created), kind="stable")
    created, topic, post_type, conversational = created[order], topic[order], post_type[order], conversational[order]
    followers_at = followers_at[order]
    counts = {k: v[order] for k, v in counts.items()}
    local = created.tz_convert(tz)
    fill = _Filler(rng, bank, page, lang)
    style = rng.choice(STYLES, size=n, p=[STYLE_WEIGHTS[s] for s in STYLES])
    texts = [fill.post(t, "conversational" if c else "formal", ts, s) for t, c, ts, s in
             zip(topic, conversational, local, style)]
    post_ids = [f"{page['page_id']}_{8100000000000 + int(page['page_id'][-6:]) * 1000 + i:d}" for i in range(n)]
    reactions = _split_reactions(rng, counts["reactions"], topic)
    posts = pd.DataFrame({
        "post_id": post_ids, "page_id": page["page_id"], "platform": "facebook", "created_at": created,
        "text": texts, "post_type": post_type,
        "url": [f"https://www.facebook.com/{page['page_id']}/posts/{pid.split('_')[1]}" for pid in post_ids],
        "n_reactions": counts["reactions"], **reactions, "n_shares": counts["shares"],
        "followers_at_posting": followers_at, "_topic": topic, "_tone": np.where(conversational, "conversational",
                                                                                 "formal"),
        "_style": style,
    })
    comments = _threads(rng, page, posts, counts["comments"], fill)
    n_comments = comments.groupby("post_id").size().reindex(posts["post_id"], fill_value=0).to_numpy()
    posts.insert(posts.columns.get_loc("n_shares"), "n_comments", n_comments)
    return posts, comments


def _split_reactions(rng, total, topic):
    kinds = ["n_likes", "n_love", "n_care", "n_haha", "n_wow", "n_sad", "n_angry"]
    normal = np.array([0.74, 0.13, 0.03, 0.04, 0.03, 0.015, 0.015])
    crisis = np.array([0.50, 0.08, 0.14, 0.01, 0.07, 0.12, 0.08])
    out = np.zeros((len(total), len(kinds)), dtype=int)
    is_crisis = topic == "crisis"
    for mask, p in ((~is_crisis, normal), (is_crisis, crisis)):
        if mask.any():
            out[mask] = rng.multinomial(total[mask], p / p.sum())
    return {k: out[:, i] for i, k in enumerate(kinds)}


def _threads(rng, page, posts, n_top, fill):
    """Comment threads: citizens' top-level comments, the page's answers, citizens' replies."""
    rows = []
    conv_page = 1 / (1 + np.exp(-page["_tone_logit"]))
    for post_id, created, topic, k in zip(posts["post_id"], posts["created_at"], posts["_topic"], n_top):
        if k == 0:
            continue
        offsets = np.sort(rng.exponential(2.5 * 3600, size=k)).round()
        short = post_id.split("_")[1]
        counter = 0
        for j in range(k):
            counter += 1
            t0 = created + pd.Timedelta(seconds=float(offsets[j]) + 30)
            uid, name = fill.person()
            question = rng.random() < QUESTION_SHARE
            top_id = f"{short}_{counter}"
            rows.append((top_id, post_id, None, name, uid, False, t0,
                         fill.comment("question" if question else "remark", topic), "top"))
            p_answer = page["question_answer_prob"] if question else page["answer_prob"]
            if rng.random() < p_answer:
                delay = round(rng.lognormal(np.log(page["median_hours_to_answer"]), 1.0) * 3600)
                counter += 1
                ta = t0 + pd.Timedelta(seconds=float(delay))
                tone = "conversational" if rng.random() < conv_page else "formal"
                rows.append((f"{short}_{counter}", post_id, top_id, page["page_name"], page["page_id"], True, ta,
                             fill.comment(tone, topic), "answer"))
            for _ in range(rng.poisson(CITIZEN_REPLIES_PER_THREAD)):
                counter += 1
                uid2, name2 = fill.person()
                tr = t0 + pd.Timedelta(seconds=round(rng.exponential(3 * 3600)) + 60)
                text = fill.comment("citizen_reply", topic)
                if rng.random() < 0.3 and uid2 != uid:
                    text = f"{name} {text[0].lower() + text[1:] if text[:1].isupper() and not text[:2].isupper() else text}"
                rows.append((f"{short}_{counter}", post_id, top_id, name2, uid2, False, tr, text, "reply"))
    cols = ["comment_id", "post_id", "parent_id", "author_name", "author_platform_id", "author_is_page",
            "created_at", "text", "_role"]
    comments = pd.DataFrame(rows, columns=cols)
    comments["created_at"] = pd.to_datetime(comments["created_at"], utc=True).astype("datetime64[us, UTC]")
    comments["page_id"] = page["page_id"]
    likes = rng.negative_binomial(1, 0.6, size=len(comments))
    comments["n_likes"] = likes
    n_rep = comments.groupby("parent_id").size()
    comments["n_replies"] = comments["comment_id"].map(n_rep).fillna(0).astype(int)
    comments.loc[comments["parent_id"].notna(), "n_replies"] = 0
    return comments


def _truth(pages, **params) -> dict:
    page_truth = pages[["page_id", "page_name", "municipality_code", "country", "answer_prob",
                        "question_answer_prob", "median_hours_to_answer"]].copy()
    page_truth["thread_answer_rate"] = (QUESTION_SHARE * page_truth["question_answer_prob"]
                                        + (1 - QUESTION_SHARE) * page_truth["answer_prob"]).round(4)
    page_truth["language"] = pages["_lang"]
    page_truth["conversational_propensity"] = (1 / (1 + np.exp(-pages["_tone_logit"]))).round(3)
    params = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in params.items()}
    return {
        "generator": params,
        "irr": IRR,
        "base_per_1000_followers": BASE_PER_1000,
        "dispersion": DISPERSION,
        "question_share": QUESTION_SHARE,
        "citizen_replies_per_thread": CITIZEN_REPLIES_PER_THREAD,
        "tone_log_odds_by_topic": TONE_BY_TOPIC,
        "text_styles": STYLE_WEIGHTS,
        "plain_fact_share": PLAIN_FACT_SHARE,
        "coder_error_rates": CODER_ERROR_RATES,
        "pages": page_truth.to_dict("records"),
    }


def planted(*, n_pages: int = 12, years: float = 2, seed: int = 0, start: str = "2023-01-01",
            activity: float = 1.0) -> dict:
    """The truth planted by :func:`generate` with the same arguments (cheap: no texts are generated).

    Keys: ``irr`` (outcome → term → incidence-rate ratio), ``pages`` (per page: ``answer_prob``,
    ``question_answer_prob``, ``thread_answer_rate``, ``median_hours_to_answer``, …) and the
    generator's other constants.
    """
    rng = np.random.default_rng(seed)
    pages = _pages(rng, n_pages)
    return _truth(pages, seed=seed, n_pages=n_pages, years=years, start=start, activity=activity)


def read_planted(dataset: str) -> dict | None:
    """The truth planted in a generated dataset (``data/raw/<dataset>/planted.json``), or None for
    real data."""
    from .config import raw_dir

    path = raw_dir(dataset) / "planted.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def planted_tone_irr(dataset: str) -> dict | None:
    """The planted IRR of a conversational tone per outcome (``{"comments": 1.6, …}``) of a
    generated dataset, or None for real data."""
    truth = read_planted(dataset)
    return {outcome: terms["conversational"] for outcome, terms in truth["irr"].items()} if truth else None


# ---------------------------------------------------------------------------------------------
#: sample formats: the writers' (see :mod:`kommunsocial.io.write`)
FORMATS = ("csv", "graph_api", "graph_api_jsonl", "crowdtangle", "x_v2", "x_v2_flat")


def write(corpus: SampleCorpus, folder, *, format: str = "csv") -> list[Path]:
    """Write the corpus as raw export files in ``folder`` plus ``planted.json``, ``README.md`` and
    the coders' sheets, with the writers of :mod:`kommunsocial.io.write`.

    ``format="csv"`` writes kommunsocial's CSV layout (``pages.csv``, ``posts.csv``,
    ``comments.csv``, timestamps in local time with their UTC offset). ``"graph_api"`` writes the
    Graph API responses as collected by a script (``posts.json``, ``comments.jsonl``);
    ``"graph_api_jsonl"`` the same with one posts response per line (``posts.jsonl``), as a
    collector that appends each page of results writes it; ``"crowdtangle"`` a CrowdTangle CSV;
    ``"x_v2"`` / ``"x_v2_flat"`` twarc2 JSON Lines (response pages / flattened tweets) of the same
    pages as X accounts, ids renumbered as tweet ids. Every format but ``csv`` also gets a
    ``pages.csv``, the page list a user adds (municipality codes, countries, populations).
    """
    from ._sample_docs import write_docs
    from .io import write as writers
    from .io.write._common import write_csv

    if format not in FORMATS:
        raise ValueError(f"unknown sample format {format!r}; available: {', '.join(map(repr, FORMATS))}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pages, posts, comments = corpus.pages, corpus.posts, corpus.comments
    if format == "csv":
        # the page's answers are recognised by its id, as in a raw export: no author_is_page column
        written = writers.write(pages, posts, comments.drop(columns=["page_id", "author_is_page"]), folder,
                                format="csv")
        return written + write_docs(corpus, folder, format)
    if format.startswith("x_v2"):
        pages, posts, comments = writers.as_tweets(pages, posts, comments)
    written = [write_csv(pages, folder / "pages.csv")]
    written += writers.write(pages, posts, comments, folder, format=format)
    return written + write_docs(corpus, folder, format)
