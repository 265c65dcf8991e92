"""The tone effect three ways — naive, adjusted, adjusted and corrected for tone measurement error —
from the posts and the coders' hand-coded random sample, for notebook 03.

:func:`coded_tone` turns the coders' sheets into each post's gold tone and inclusion probability;
:func:`tone_estimates` lines up the three estimates with their intervals and says which to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .models import TONE_TERM, ModelError, NotEstimable, compare_models, irr_table

__all__ = ["CodedTone", "coded_tone", "tone_estimates", "ESTIMATES"]

#: The three estimates, in the order they are shown.
ESTIMATES = ("naive", "adjusted", "adjusted and corrected")


@dataclass
class CodedTone:
    """Each post's gold tone (coded posts only) and probability of having been coded, with notes."""

    gold: pd.Series
    probability: pd.Series
    notes: list = field(default_factory=list)

    @property
    def n_coded(self) -> int:
        return int(self.gold.notna().sum())


def coded_tone(posts: pd.DataFrame, coded: pd.DataFrame, *, coding_dir=None) -> CodedTone:
    """Gold tone and inclusion probabilities of the coded posts among ``posts``.

    Parameters
    ----------
    posts : DataFrame
        The posts of the analysis (``post_id``, ``created_at``, ``text``, ``page_id``, ``post_type``).
    coded : DataFrame
        The coders' rows (:func:`kommunsocial.tone.coding.read_coding_dir`).
    coding_dir : folder, optional
        Where the sheets are: a sheet's ``<sheet>.design.json`` (written by
        :func:`~kommunsocial.tone.coding.sample_for_coding`) gives the draw's design, and so each
        post's probability of being coded (:func:`~kommunsocial.tone.coding.design_probabilities`).
        Without one, the coded posts are taken as a simple random sample of the posts with words
        (probability coded / eligible), and a note says so.
    """
    from ..tone import coding, reliability

    posts = posts.assign(post_id=posts["post_id"].astype(str))
    ids = pd.Index(posts["post_id"])
    notes = []
    if not len(coded):
        return CodedTone(pd.Series(pd.NA, index=ids, dtype="string"), pd.Series(0.0, index=ids),
                         ["No coded posts: the tone effect cannot be corrected for measurement error."])
    mine = coded[coded["post_id"].astype(str).isin(ids)].assign(post_id=lambda d: d["post_id"].astype(str))
    # a tie goes to the first coder, so that the random sample stays whole
    gold = reliability.gold_labels(mine, ties="first").rename("gold_tone")
    ties = gold.attrs["ties"]
    if ties:
        notes.append(f"{ties} coded {'post has' if ties == 1 else 'posts have'} a tie between the coders: the first "
                     f"coder's code is used, so that the coded sample stays random (resolve them for a better gold "
                     f"standard).")
    sheets = sorted(Path(coding_dir).glob("*.design.json")) if coding_dir else []
    probability = None
    for design in sheets:
        sheet = design.with_name(design.name[: -len(".design.json")] + ".csv")
        try:
            probability = coding.design_probabilities(posts, sheet)
            notes.append(f"Inclusion probabilities from the design of {sheet.name} (a stratified random sample).")
            break
        except coding.CodingError as exc:
            notes.append(f"{exc}.")
    if probability is None:
        words = posts["text"].fillna("").astype(str).str.split().str.len() >= 1
        share = len(gold) / max(int(words.sum()), 1)
        probability = pd.Series(np.where(words, share, 0.0), index=ids)
        notes.append(f"No design file beside the coders' sheets: the {len(gold)} coded posts are taken as a simple "
                     f"random sample of the {int(words.sum())} posts with words (probability {share:.3f} each).")
    return CodedTone(gold.reindex(ids), probability.reindex(ids).fillna(0.0).astype(float), notes)


def tone_estimates(metrics: pd.DataFrame, formula: str, coded: CodedTone, *, family: str = "negbin",
                   exposure: str | None = "followers", cluster: str = "page_id",
                   fitted=()) -> tuple[pd.DataFrame, str]:
    """The IRR of a conversational tone three ways, and which one to report.

    *naive*: the tone term alone (the ratio of mean counts); *adjusted*: ``formula`` (controls and
    page fixed effects), with the measured tone; *adjusted and corrected*: the same model corrected
    for errors in the measured tone with the coded random sample (design-based supervised learning,
    :func:`~kommunsocial.engagement.corrected_fit`). Returns (table with ``irr``, ``ci_low``,
    ``ci_high``, ``posts``, ``coded posts``, ``note`` per estimate; one paragraph saying which to
    report and why). An estimate that cannot be made has a note instead of numbers. ``fitted``:
    results of :func:`~kommunsocial.engagement.fit` on the same posts (the report's model), reused
    where one is the naive or adjusted model rather than fitted again.
    """
    from .correction import corrected_fit

    outcome = formula.split("~", 1)[0].strip()
    label = "C(tone, Treatment('formal'))[T.conversational]"
    data = metrics.assign(gold_tone=metrics["post_id"].astype(str).map(coded.gold).astype("object"),
                          p_coded=metrics["post_id"].astype(str).map(coded.probability).astype(float))
    rows = {}

    rhs = formula.split("~", 1)[1].strip()
    for name, spec in (("naive", {"rhs": TONE_TERM, "exposure": None}),
                       ("adjusted", {"rhs": rhs, "exposure": exposure})):
        try:
            hit = compare_models(metrics, outcome=outcome, term="tone: conversational", models={name: spec},
                                 fitted=fitted, family=family, cluster=cluster).iloc[0]
            rows[name] = {"irr": float(hit["irr"]), "ci_low": float(hit["ci_low"]), "ci_high": float(hit["ci_high"]),
                          "posts": int(hit["n"]), "coded posts": 0, "note": ""}
        except (ModelError, NotEstimable) as exc:
            rows[name] = {"note": str(exc)}
    if coded.n_coded:
        try:
            usable = data[data["p_coded"] > 0]
            result = corrected_fit(usable, formula, tone="tone", gold="gold_tone", probability="p_coded",
                                   family=family, cluster=cluster, exposure=exposure)
            hit = irr_table(result).loc[lambda t: t["raw_term"] == label]
            rows[ESTIMATES[2]] = ({"note": "the tone term was not estimated (see the model's caveats)"} if hit.empty
                                  else {**hit.iloc[0][["irr", "ci_low", "ci_high"]].astype(float).to_dict(),
                                        "posts": int(result.nobs), "coded posts": int(result.kommunsocial["n_coded"]),
                                        "note": ""})
        except (ModelError, NotEstimable) as exc:
            rows[ESTIMATES[2]] = {"note": str(exc)}
    else:
        rows[ESTIMATES[2]] = {"note": "no coded posts"}
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(list(ESTIMATES))
    for col in ("irr", "ci_low", "ci_high", "posts", "coded posts", "note"):
        if col not in table:
            table[col] = np.nan if col != "note" else ""
    table["note"] = table["note"].fillna("")
    for col in ("posts", "coded posts"):
        table[col] = table[col].astype("Int64")
    table.index.name = "estimate"
    return table[["irr", "ci_low", "ci_high", "posts", "coded posts", "note"]], _which(table)


#: An interval whose upper end is more than this many times its lower end says nothing of the effect.
UNINFORMATIVE_RATIO = 20.0


def _informative(row) -> bool:
    return pd.notna(row["irr"]) and row["ci_high"] / max(row["ci_low"], 1e-300) <= UNINFORMATIVE_RATIO


def _which(table: pd.DataFrame) -> str:
    corrected = table.loc[ESTIMATES[2]]
    adjusted = table.loc["adjusted"]
    if pd.notna(adjusted["irr"]) and not _informative(adjusted):
        return (f"**No tone effect to report**: the adjusted estimate's 95 % interval ({adjusted['ci_low']:.2g}–"
                f"{adjusted['ci_high']:.2g}) is too wide to tell an effect from none. These posts are too few, or "
                f"too few have the outcome, for this model: pool more pages or years, or choose a simpler formula.")
    if pd.notna(corrected["irr"]) and not _informative(corrected):
        return (f"**Report the adjusted estimate** (IRR {adjusted['irr']:.2f}, 95 % CI {adjusted['ci_low']:.2f}–"
                f"{adjusted['ci_high']:.2f}), and say that it is not corrected for errors in the measured tone, "
                f"which pull it towards 1. The correction could not be made: with "
                f"{int(corrected['coded posts'])} coded posts its interval ({corrected['ci_low']:.2g}–"
                f"{corrected['ci_high']:.2g}) says nothing, since each topic, post type and municipality of the "
                f"formula is corrected only by its own coded posts. Code more posts, or correct a simpler formula "
                f"(fewer topics).")
    if pd.notna(corrected["irr"]):
        with np.errstate(divide="ignore", invalid="ignore"):  # an unbounded interval (0 or inf): "wider" below
            width = (np.log(corrected["ci_high"]) - np.log(corrected["ci_low"])) / max(
                np.log(adjusted["ci_high"]) - np.log(adjusted["ci_low"]), 1e-12) \
                if pd.notna(adjusted["irr"]) else np.nan
        return (f"**Report the adjusted and corrected estimate** (IRR {corrected['irr']:.2f}, 95 % CI "
                f"{corrected['ci_low']:.2f}–{corrected['ci_high']:.2f}): it adjusts for what goes with tone, as the "
                f"adjusted one does, and removes the pull towards 1 of posts whose tone was measured wrong, learnt "
                f"from the {int(corrected['coded posts'])} hand-coded posts. Its interval is "
                + (f"{width:.1f} times as wide as the adjusted one's: " if np.isfinite(width) else "wider: ")
                + "the price of not assuming the tone measure is right. The naive ratio mixes tone with topic, form "
                  "and municipality and is shown only for comparison.")
    if pd.notna(adjusted["irr"]):
        return (f"**Report the adjusted estimate** (IRR {adjusted['irr']:.2f}, 95 % CI {adjusted['ci_low']:.2f}–"
                f"{adjusted['ci_high']:.2f}) and say that it is not corrected for errors in the measured tone, which "
                f"pull it towards 1: code a random sample of posts (`kommunsocial.tone.coding.sample_for_coding`) "
                f"to correct it. The naive ratio is shown only for comparison.")
    return "No estimate of the tone effect can be made from these posts: see the notes above."


#: The recovery check's table as shown in the report: readable column names.
_RECOVERY_COLUMNS = {"irr": "planted IRR", "mean_irr": "mean estimate", "median_irr": "median estimate",
                     "bias_pct": "bias (% of the IRR)", "coverage": "95 % intervals covering it",
                     "median_ci_ratio": "median interval (high / low)", "n_sim": "replications"}


#: The recovery check runs on at most this many posts (whole pages drawn at random beyond it): each
#: replication refits the model, and a country's posts would take minutes per replication.
RECOVERY_MAX_POSTS = 20_000


def recovery(metrics: pd.DataFrame, formula: str, coded: CodedTone, *, irr: float = 1.5, n_sim: int = 100,
             seed: int = 0, family: str = "negbin", exposure: str | None = "followers",
             cluster: str = "page_id", max_posts: int = RECOVERY_MAX_POSTS) -> tuple[pd.DataFrame, list]:
    """:func:`~kommunsocial.engagement.recovery_check` of these posts and coded sample, as a report table.

    With more than ``max_posts`` posts the check runs on whole pages drawn at random (seeded) up to
    that many posts, with their coded posts: a smaller design than the real one, so it errs on the
    side of caution; a note says so. Returns (table of bias and coverage per estimate, notes); an
    empty table and the reason when there is no coded sample or the check cannot run on these posts.
    """
    from .recovery import recovery_check

    if n_sim < 1:
        return pd.DataFrame(), [f"The recovery check was skipped (n_sim = {n_sim})."]
    if not coded.n_coded:
        return pd.DataFrame(), ["No coded posts: the recovery check simulates from the coded tone and needs a "
                                "coded random sample."]
    data = metrics.assign(gold_tone=metrics["post_id"].astype(str).map(coded.gold).astype("object"),
                          p_coded=metrics["post_id"].astype(str).map(coded.probability).astype(float))
    data = data[data["p_coded"] > 0]
    notes = []
    if len(data) > max_posts:
        sizes = data.groupby(cluster).size().sample(frac=1.0, random_state=seed)
        keep = sizes.index[(sizes.cumsum() <= max_posts) | (sizes.cumsum().shift(fill_value=0) == 0)]
        n_all, pages_all = len(data), len(sizes)
        data = data[data[cluster].isin(keep)]
        notes.append(f"The check ran on {len(data):,} posts of {len(keep)} of the {pages_all} pages, drawn at random "
                     f"(seed {seed}), not on all {n_all:,}: each replication refits the model. A smaller design "
                     f"than the real one, so its coverage errs on the side of caution.")
    try:
        check = recovery_check(data, formula, irr=irr, family=family, cluster=cluster, exposure=exposure,
                               n_sim=n_sim, seed=seed)
    except (ModelError, NotEstimable, ValueError) as exc:
        return pd.DataFrame(), [f"The recovery check cannot run on these posts: {exc}"]
    table = check.table.rename(columns=_RECOVERY_COLUMNS)
    table.index = table.index.map({"naive": "naive", "adjusted": "adjusted",
                                   "corrected": "adjusted and corrected"}.get)
    table.index.name = "estimate"
    return table, notes + list(check.notes)
