"""Data-quality tables: what was loaded, from where, what was quarantined, what is missing."""

from __future__ import annotations

import pandas as pd

from ..schema import TABLES, Dataset

__all__ = ["overview", "rows_per_source", "skipped_files", "export_gaps", "quarantine_by_reason", "coverage",
           "coverage_note", "languages_not_scored", "language_mix", "language_confidence", "language_confidence_by_page",
           "language_confidence_note",
           "missing_values", "missing_values_note", "posts_per_month", "CONFIDENCE_SAMPLE", "UNSURE",
           "BY_DESIGN"]


def overview(ds: Dataset) -> pd.DataFrame:
    """Rows per table, the period covered, and the quarantine count, as one small table."""
    posts = ds.posts
    period = ("–" if not len(posts) else
              f"{posts['created_at'].min():%Y-%m-%d} – {posts['created_at'].max():%Y-%m-%d}")
    rows = [
        ("pages", len(ds.pages)),
        ("posts", len(posts)),
        ("comments", len(ds.comments)),
        ("comments written by the pages", int(ds.comments["author_is_page"].sum())),
        ("distinct commenters (pseudonyms)", int(ds.comments.loc[~ds.comments["author_is_page"], "author_id"]
                                                 .nunique())),
        ("records quarantined", len(ds.quarantine)),
        ("exact duplicates dropped", sum((ds.manifest.get("duplicates_dropped") or {}).values())),
        # the same record from two files that differ (two formats, or X counts grown between saves)
        ("records read again and merged", sum((ds.manifest.get("merged_across_formats") or {}).values())),
    ]
    rows = [(what, f"{n:,}") for what, n in rows] + [("period (UTC)", period)]
    return pd.DataFrame(rows, columns=["", "value"]).set_index("")


def rows_per_source(ds: Dataset) -> pd.DataFrame:
    """Per source file: its format, and the pages, posts and comments read from it and quarantined.

    Figures are as read, before exact duplicates across files were dropped (see :func:`overview`).
    """
    inputs = ds.manifest.get("inputs", [])
    if inputs:
        out = pd.DataFrame(inputs)[["file", "format", "pages", "posts", "comments"]].set_index("file")
        # from the quarantine table itself, not the reader's count: ingest quarantines more after
        # reading (duplicate ids, comments whose post is absent, dates after the load)
        per_file = ds.quarantine["source_file"].astype(str).value_counts() if len(ds.quarantine) else pd.Series()
        out["quarantined"] = per_file.reindex(out.index).fillna(0).astype(int)
        return out.sort_index()
    parts = []
    for table in ("posts", "comments"):
        frame = getattr(ds, table)
        if len(frame):
            parts.append(frame.groupby(["source_file", "source_format"], observed=True).size().rename(table))
    if not parts:
        return pd.DataFrame(columns=["posts", "comments"])
    return pd.concat(parts, axis=1).fillna(0).astype(int).sort_index()


def skipped_files(ds: Dataset) -> pd.DataFrame:
    """Files in the raw folders that were not read (a zip, an ``.xls`` workbook, a broken link…),
    with the reason, as the manifest lists them; no rows when every file was read."""
    skipped = ds.manifest.get("skipped_files") or []
    return pd.DataFrame(skipped, columns=["file", "reason"]).sort_values("file", kind="mergesort").reset_index(
        drop=True)


def export_gaps(ds: Dataset) -> pd.DataFrame:
    """Per file, what its export lacks entirely (post text, engagement counts, follower counts,
    comment ids) and what the reports therefore cannot show, as ingest warned; no rows when every
    file has everything."""
    gaps = ds.manifest.get("missing") or []
    return pd.DataFrame(gaps, columns=["file", "format", "what", "consequence"]).sort_values(
        ["file", "what"], kind="mergesort").reset_index(drop=True)


def quarantine_by_reason(ds: Dataset) -> pd.DataFrame:
    """Quarantined records counted by table, column and reason (details such as values stripped)."""
    q = ds.quarantine
    if not len(q):
        return pd.DataFrame(columns=["table", "column", "reason", "records"])
    reason = q["reason"].astype(str).str.split(":").str[0].str.split(" \\(").str[0]
    out = (q.assign(reason=reason, column=q["column"].fillna("–"))
           .groupby(["table", "column", "reason"], observed=True).size().rename("records").reset_index())
    return out.sort_values("records", ascending=False, kind="mergesort").reset_index(drop=True)


def coverage(ds: Dataset, *, tz: str | None = None) -> pd.DataFrame:
    """Per page: first and last post, posts, posts per week, and the longest gap between posts (days)."""
    posts = ds.posts
    if not len(posts):
        return pd.DataFrame()
    ordered = posts.sort_values("created_at")
    g = ordered.groupby("page_id")["created_at"]
    # the gaps as one timedelta column, so a page with one post has a missing gap, not a NaT object
    gap = (g.diff().groupby(ordered["page_id"]).max()).dt.total_seconds() / 86400
    first, last, n = g.min(), g.max(), g.size()
    weeks = ((last - first).dt.total_seconds() / (7 * 86400)).clip(lower=1)
    out = pd.DataFrame({"first_post": first.dt.date, "last_post": last.dt.date, "posts": n,
                        "posts_per_week": (n / weeks).round(2), "longest_gap_days": gap.round(1)})
    names = ds.pages.set_index("page_id")["page_name"]
    out.insert(0, "page", names.reindex(out.index))
    return out.set_index("page").sort_index()


def coverage_note(table: pd.DataFrame) -> str:
    """A sentence on the pages of a :func:`coverage` table with one post, which have no gap between
    posts and no span to spread posts over; "" when every page has two or more.

    >>> t = pd.DataFrame({"posts": [1, 5]}, index=pd.Index(["A", "B"], name="page"))
    >>> coverage_note(t)
    '1 of 2 pages has only one post (A): it has no gap between posts, and its posts per week counts that one post over one week.'
    """
    if not len(table):
        return ""
    single = table.index[table["posts"] == 1]
    if not len(single):
        return ""
    names = ", ".join(map(str, single[:10])) + (", ..." if len(single) > 10 else "")
    verb, it = ("has", "it has") if len(single) == 1 else ("have", "they have")
    its = "its posts per week counts" if len(single) == 1 else "their posts per week count"
    return (f"{len(single):,} of {len(table):,} pages {verb} only one post ({names}): {it} no gap between posts, "
            f"and {its} that one post over one week.")


def languages_not_scored(ds: Dataset) -> str:
    """A sentence on the posts the tone report will not score for their language (Finnish, ``other``,
    per language: :func:`kommunsocial.tone.summaries.unscored` counts them there too); "" when none."""
    from ..language import UNDETERMINED, not_scored_sentence
    from ..tone.resources import LANGS

    langs = ds.posts["lang"].astype("string").fillna(UNDETERMINED)
    counts = langs[~langs.isin([*LANGS, UNDETERMINED])].value_counts()
    return not_scored_sentence(counts.to_dict(), LANGS, verb="will not be scored by the tone report")


def language_mix(ds: Dataset, *, table: str = "posts") -> pd.DataFrame:
    """Share (%) of each language per page; ``other`` is any language but sv, nb, nn, da, fi and en,
    ``und`` undetermined (too short or unclear)."""
    frame = getattr(ds, table)
    if not len(frame):
        return pd.DataFrame()
    if table == "comments":
        frame = frame.merge(ds.posts[["post_id", "page_id"]], on="post_id", how="left")
    mix = pd.crosstab(frame["page_id"], frame["lang"].astype(str), normalize="index") * 100
    names = ds.pages.set_index("page_id")["page_name"]
    mix.index = names.reindex(mix.index).to_numpy()
    mix.index.name = "page"
    mix.columns.name = None
    return mix.round(1).sort_index()


#: :func:`language_confidence` reads at most this many posts of each language (a seeded random
#: sample): the shares it reports are then within about ±3 points, in seconds rather than minutes.
CONFIDENCE_SAMPLE = 1_000
#: :func:`language_confidence_by_page` reads at most this many of a page's posts in another language
#: (a seeded random sample): a median of 50 is close enough to tell 0.55 from 0.9, and a country's
#: 300 pages take seconds, not a minute.
PAGE_CONFIDENCE_SAMPLE = 50
#: Below this confidence (lingua's, in the language given) a post's language is called unsure.
UNSURE = 0.5


def language_confidence(ds: Dataset, *, max_posts: int | None = CONFIDENCE_SAMPLE, seed: int = 0) -> pd.DataFrame:
    """How sure the language of the posts is, per language: posts, how many were too short to
    tell (``und``), and of the others the median detection confidence, the share (%) below
    :data:`UNSURE` and the language most often found second
    (:func:`kommunsocial.language.detection_confidence`).

    A language with more than ``max_posts`` posts is read on a random sample of that many
    (``seed``); ``None`` reads every post. Posts whose language came from the platform's own
    field are read the same way: the confidence is then the text's support for that field.
    """
    from ..language import DETECTED, LANG_CODES, UNDETERMINED, detection_confidence, too_short

    posts = ds.posts
    if not len(posts):
        return pd.DataFrame()
    lang = posts["lang"].astype("string").fillna(UNDETERMINED)
    short = too_short(posts["text"])
    rows = []
    for code in [c for c in LANG_CODES if (lang == c).any()]:
        mine = (lang == code).to_numpy()
        row = {"language": code, "posts": int(mine.sum()), "too short to tell": int((mine & short).sum())}
        if code in DETECTED:
            texts = posts.loc[mine & ~short, "text"]
            read = texts if max_posts is None or len(texts) <= max_posts else texts.sample(n=max_posts,
                                                                                          random_state=seed)
            found = detection_confidence(read, [code] * len(read))
            conf = found["confidence"].dropna()
            row.update({"posts read": len(read), "median confidence": round(float(conf.median()), 2) if len(conf) else None,
                        f"confidence below {UNSURE:g} (%)": round(100 * float((conf < UNSURE).mean()), 1)
                        if len(conf) else None,
                        "most likely other language": (found["runner_up"].dropna().mode().iloc[0]
                                                       if found["runner_up"].notna().any() else "–")})
        rows.append(row)
    out = pd.DataFrame(rows).set_index("language")
    out.columns.name = None
    return out


def language_confidence_by_page(ds: Dataset, *, max_posts: int | None = PAGE_CONFIDENCE_SAMPLE, seed: int = 0
                                ) -> pd.DataFrame:
    """Per page: its main language, the share (%) of its posts detected in another of
    :data:`~kommunsocial.language.DETECTED`, and how sure detection was of those (median
    confidence, share below :data:`UNSURE`). A Bokmål page whose "Nynorsk" posts have a low
    confidence writes Bokmål; one whose have a high confidence writes both. Pages with no post in
    another language have missing values there. At most ``max_posts`` such posts per page are read
    (a random sample, ``seed``); "posts detected" are those with one of the six languages (a text too
    short to tell is ``und`` from the ingest; one whose language the platform gave and that is too
    short gets no confidence and is left out of the medians).
    """
    from ..language import DETECTED, detection_confidence

    posts = ds.posts
    if not len(posts):
        return pd.DataFrame()
    lang = posts["lang"].astype("string")
    frame = pd.DataFrame({"page_id": posts["page_id"].to_numpy(), "lang": lang.to_numpy(),
                          "text": posts["text"].to_numpy()})[lang.isin(DETECTED).fillna(False).to_numpy()]
    if frame.empty:
        return pd.DataFrame()
    counts = frame.groupby(["page_id", "lang"], sort=False).size()  # in the order the posts come
    detected = counts.groupby(level="page_id", sort=True).sum()
    # a page's main language: its most frequent, ties to the one of its earliest post
    main = counts.sort_values(ascending=False, kind="stable").reset_index().drop_duplicates("page_id") \
        .set_index("page_id")["lang"]
    others = frame[frame["lang"].to_numpy() != frame["page_id"].map(main).to_numpy()]
    n_others = others.groupby("page_id").size().reindex(detected.index, fill_value=0)
    read = others.sample(frac=1.0, random_state=seed) if len(others) else others
    if max_posts is not None:
        read = read.groupby("page_id", sort=False).head(max_posts)
    conf = detection_confidence(read["text"], read["lang"])["confidence"]  # one call for every page
    by_page = pd.DataFrame({"page_id": read["page_id"], "confidence": conf}).dropna().groupby("page_id")["confidence"]
    median, unsure = by_page.median(), by_page.apply(lambda c: (c < UNSURE).mean())
    names = ds.pages.set_index("page_id")["page_name"]
    rows = [{"page": names.get(page_id, page_id), "main language": main[page_id], "posts detected": int(n),
             "in another language (%)": round(100 * int(n_others[page_id]) / int(n), 1),
             "their median confidence": round(float(median[page_id]), 2) if page_id in median.index else None,
             f"their confidence below {UNSURE:g} (%)": round(100 * float(unsure[page_id]), 1)
             if page_id in unsure.index else None}
            for page_id, n in detected.items()]
    return pd.DataFrame(rows).set_index("page").sort_index()


def language_confidence_note(table: pd.DataFrame) -> str:
    """Sentences on :func:`language_confidence`: how many posts were too short to tell, and which
    languages are unsure; "" for an empty table.

    >>> t = pd.DataFrame({"posts": [100, 20], "too short to tell": [0, 20], "posts read": [100, None],
    ...                   "median confidence": [0.9, None], "confidence below 0.5 (%)": [12.0, None],
    ...                   "most likely other language": ["nb", None]}, index=pd.Index(["nn", "und"], name="language"))
    >>> print(language_confidence_note(t))
    20 of 120 posts (16.7 %) were too short to tell their language (no text, or fewer than three words or twelve letters): they are und. Of the nn posts read, 12.0 % had a detection confidence below 0.5, most often against nb: treat that language's share as an estimate, not a count.
    """
    if not len(table):
        return ""
    total, short = int(table["posts"].sum()), int(table["too short to tell"].sum())
    parts = [f"{short:,} of {total:,} posts ({100 * short / total:.1f} %) were too short to tell their language "
             f"(no text, or fewer than three words or twelve letters): they are und."]
    column = f"confidence below {UNSURE:g} (%)"
    if column in table:
        unsure = table[table[column].astype(float) >= 10]
        if len(unsure):
            listed = "; ".join(f"{lang} posts read, {row[column]:.1f} % had a detection confidence below {UNSURE:g}, "
                               f"most often against {row['most likely other language']}" for lang, row in unsure.iterrows())
            whose = "that language's share" if len(unsure) == 1 else "those languages' shares"
            parts.append(f"Of the {listed}: treat {whose} as an estimate, not a count.")
    return " ".join(parts)


#: Columns whose empty value means something by design, not a gap in the export: a top-level
#: comment replies to no comment, so it has no ``parent_id``.
BY_DESIGN = {("comments", "parent_id"): "top-level comments"}


def missing_values(ds: Dataset) -> pd.DataFrame:
    """For each table and data-model column: how many values are missing, and the share (%).

    Counts missing in an export stay missing (never 0), so a column entirely missing here is a
    column the source format does not have. Columns empty by design (:data:`BY_DESIGN`: a
    top-level comment's ``parent_id``) are not missing values: :func:`missing_values_note` says
    how many there are.
    """
    rows = []
    for table in ("pages", "posts", "comments"):
        frame = getattr(ds, table)
        for col, spec in TABLES[table].items():
            if spec.derived or col.startswith("source_") or (table, col) in BY_DESIGN:
                continue
            n_missing = int(frame[col].isna().sum())
            rows.append((table, col, n_missing, round(100 * n_missing / len(frame), 1) if len(frame) else 0.0))
    out = pd.DataFrame(rows, columns=["table", "column", "missing", "missing_%"])
    return out[out["missing"] > 0].reset_index(drop=True)


def missing_values_note(ds: Dataset) -> str:
    """A sentence on the columns empty by design (:data:`BY_DESIGN`), which :func:`missing_values`
    leaves out; "" when no value is empty by design."""
    parts = []
    for (table, col), what in BY_DESIGN.items():
        frame = getattr(ds, table)
        n = int(frame[col].isna().sum())
        if n:
            parts.append(f"{n:,} of {len(frame):,} {table} ({100 * n / len(frame):.1f} %) have no {col}: they are "
                         f"{what}, empty by design, not missing.")
    return " ".join(parts)


def posts_per_month(ds: Dataset) -> pd.DataFrame:
    """Posts per calendar month (UTC) and page name: rows are months, columns pages."""
    posts = ds.posts
    if not len(posts):
        return pd.DataFrame()
    month = posts["created_at"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    names = ds.pages.set_index("page_id")["page_name"]
    table = pd.crosstab(month, names.reindex(posts["page_id"]).to_numpy())
    table.index.name = "month"
    table.columns.name = "page"
    return table

