"""The bundled sample's documentation beside its export files: ``planted.json``, ``README.md``
and two simulated coders' sheets (split from :mod:`kommunsocial.sample` to keep it short)."""

from __future__ import annotations

import json
from pathlib import Path

from .io.write._common import write_csv

__all__ = ["write_docs"]


def write_docs(corpus, folder: Path, format: str) -> list[Path]:
    """planted.json, README.md, and two simulated coders' sheets of :data:`~kommunsocial.sample.CODED_POSTS` posts under coding/."""
    from .sample import CODED_POSTS, CODER_ERROR_RATES
    from .tone import coding

    written = []
    names = corpus.pages.set_index("page_id")["page_name"]
    sheets = coding.simulate_coders(corpus.posts.assign(page=corpus.posts["page_id"].map(names)), n=CODED_POSTS,
                                    seed=corpus.seed, error_rates=CODER_ERROR_RATES["clear"],
                                    hard_error_rates=CODER_ERROR_RATES["hard"])
    (folder / "coding").mkdir(exist_ok=True)
    posts = corpus.posts
    strata = tuple(c for c in ("page_id", "period", "post_type") if c == "period" or c in posts.columns)
    for name, sheet in sheets.items():
        written.append(write_csv(sheet, folder / "coding" / f"{name}.csv"))
        # the draw's design beside each sheet: report 03 recomputes each post's chance of being coded
        written.append(coding.write_design(folder / "coding" / f"{name}.csv", posts, n=CODED_POSTS, seed=corpus.seed,
                                           strata=strata, n_sampled=len(sheet)))
    codebook = folder / "coding" / "codebook.md"
    codebook.write_text(coding.CODEBOOK, encoding="utf-8")
    written.append(codebook)
    truth_path = folder / "planted.json"
    truth_path.write_text(json.dumps(corpus.truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(truth_path)
    readme = folder / "README.md"
    readme.write_text(_readme(corpus, format), encoding="utf-8")
    written.append(readme)
    return written


def _readme(corpus, format: str) -> str:
    """The sample's documentation: what the files are and every planted effect."""
    from .sample import CODED_POSTS

    t = corpus.truth
    g = t["generator"]
    irr_rows = "\n".join(
        f"| {term} | {t['irr']['comments'].get(term, 1.0):.2f} | {t['irr']['reactions'].get(term, 1.0):.2f} | "
        f"{t['irr']['shares'].get(term, 1.0):.2f} |" for term in t["irr"]["comments"])
    page_rows = "\n".join(
        f"| {p['page_name']} | {p['municipality_code']} | {p['country']} | {p['language']} | "
        f"{p['conversational_propensity']:.2f} | {p['answer_prob']:.2f} | {p['question_answer_prob']:.2f} | "
        f"{p['thread_answer_rate']:.3f} | {p['median_hours_to_answer']:.1f} |" for p in t["pages"])
    tone = ", ".join(f"{k} {v:+.1f}" for k, v in t["tone_log_odds_by_topic"].items())
    styles = ", ".join(f"{k} {v:.2f}" for k, v in t["text_styles"].items())
    fact = t["plain_fact_share"]
    people = ("with the commenters' (invented) names and platform ids, as a raw export has them. "
              "`kommunsocial ingest` replaces them\n  by keyed pseudonyms; the page's own answers are recognised "
              "by the page's id.")
    if format == "crowdtangle":
        files = (f"- `crowdtangle.csv`: {len(corpus.posts):,} posts over {g['years']} years as a CrowdTangle "
                 f"Historical Data export (2024 layout, 41 columns,\n  times in US/Eastern with EDT/EST). "
                 f"CrowdTangle has no comments.")
    elif format in ("graph_api", "graph_api_jsonl"):
        name, per_line = ("posts.jsonl", " (one per line)") if format == "graph_api_jsonl" else ("posts.json", "")
        files = (f"- `{name}`: {len(corpus.posts):,} posts over {g['years']} years, as saved pages of Facebook "
                 f"Graph API `GET /{{page-id}}/posts`\n  responses{per_line} (reaction counts by type, comments, shares; "
                 f"shares absent when 0, as the API does).\n"
                 f"- `comments.jsonl`: {len(corpus.comments):,} comments and replies, one `GET /{{post-id}}?fields="
                 f"comments.filter(toplevel){{...,comments{{...}}}}`\n  node per post and line, {people}")
    elif format in ("x_v2", "x_v2_flat"):
        how = "flattened tweets (`twarc2 flatten`)" if format == "x_v2_flat" else "twarc2 response pages"
        files = (f"- `tweets.jsonl`: the pages as X accounts, one `twarc2 search \"(from:handle OR to:handle)\"` "
                 f"per page as {how}:\n  {len(corpus.posts):,} posts over {g['years']} years as the account's "
                 f"tweets, {len(corpus.comments):,} comments and replies as replies in\n  the post's conversation, "
                 f"ids renumbered as tweet ids, {people}")
    else:
        files = (f"- `posts.csv`: {len(corpus.posts):,} posts over {g['years']} years, local times with their UTC "
                 f"offset; counts of reactions by\n  type, comments, shares, followers at posting.\n"
                 f"- `comments.csv`: {len(corpus.comments):,} comments and replies {people}")
    return f"""# The bundled sample

A synthetic corpus written by `kommunsocial sample` (`kommunsocial.sample.generate(n_pages={g['n_pages']},
years={g['years']}, seed={g['seed']})`, then `write(..., format="{format}")`). Every municipality, page,
person and text is invented; municipality codes have the real 4-digit formats (Swedish kommunkod,
Norwegian kommunenummer). The same seed gives the same files byte for byte: regenerate with
`make sample`. Nothing else writes here.

- `pages.csv`: one row per municipality page ({len(corpus.pages)} pages): id, name, handle,
  municipality code (text, leading zeros kept), country, followers, population.
{files}
- `planted.json`: the truth below, as data, for tests and notebooks (`kommunsocial.sample.planted()`).
- `coding/coder_a.csv`, `coding/coder_b.csv`, `coding/codebook.md`: {CODED_POSTS} posts hand-coded for tone and
  formality by two simulated coders who disagree sometimes, for the reliability and validation sections
  of the tone report: each gives the wrong tone at its own rate,
  {_rates(t)}.

## Planted effects

Counts are negative binomial (dispersion: comments {t['dispersion']['comments']}, reactions
{t['dispersion']['reactions']}, shares {t['dispersion']['shares']}) around an expected value that is
proportional to the page's followers at posting, times a page effect, times these incidence-rate
ratios (reference: a formal status post on a weekday morning about any topic not listed):

| term | comments (top-level) | reactions | shares |
|---|---|---|---|
{irr_rows}

**Tone is confounded.** The chance that a post is conversational depends on the page (large
municipalities write more formally) and on the topic (log-odds shifts: {tone}). Crisis and council
posts are mostly formal and draw many comments, so a naive comparison of conversational and formal
posts understates the effect of tone; adjusting for page (fixed effects or followers as exposure)
and topic recovers it. Topics are not a column: they are recoverable from the texts.

**Not every text shows its tone.** Posts are written in one of four styles
(shares: {styles}): `clear` in their tone's own words ({fact:.0%} of them also state a plain fact of the topic, so formal and
conversational posts about the same service share their words), `plain` a neutral notice with no mark
of either voice, `mixed` with the other voice's marks (a friendly post quoting officialese, a formal one
with ⚠️ or 📢 or addressing the reader), `short` a few words ("Välkommen!", "Stängt idag."). A
conversational page's plain notice reads as formal, so the formality index agrees with the planted
tone on about nine posts in ten, and tone measured by it understates the planted ratio.

**Threads.** The expected number of citizens' top-level comments follows the model above; a share
{t['question_share']:.2f} of them are questions. Each page answers a question with probability
`question_answer_prob` and another comment with `answer_prob`, once, after a log-normal delay
(sigma 1.0 on the log-hours scale) whose median is `median_hours_to_answer`; `thread_answer_rate` is the
expected share of threads answered. Citizens reply to each other (Poisson, mean
{t['citizen_replies_per_thread']} per thread), sometimes naming the person they answer. A post's
`n_comments` counts all its comments and replies. About 1 % of citizens' comments carry a phone
number, and some an e-mail address, to exercise masking.

| page | code | country | language | P(conversational) | answer_prob | question_answer_prob | thread_answer_rate | median hours to answer |
|---|---|---|---|---|---|---|---|---|
{page_rows}
"""


def _rates(truth: dict) -> str:
    """The coders' planted error rates in words: "coder_a 2 % of clear posts and 10 % of the others, …"."""
    rates = truth["coder_error_rates"]
    return ", ".join(f"{name} on {clear:.0%} of clear posts and {hard:.0%} of the others"
                     for name, clear, hard in zip(("coder_a", "coder_b"), rates["clear"], rates["hard"]))
