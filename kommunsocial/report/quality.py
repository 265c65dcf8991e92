"""Data-quality tables: what was loaded, from where, what was quarantined, what is missing."""

from __future__ import annotations

import pandas as pd

from ..schema import TABLES, Dataset

__all__ = ["overview", "rows_per_source", "skipped_files", "export_gaps", "quarantine_by_reason", "coverage",
           "coverage_note", "language_mix", "missing_values", "posts_per_month"]


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


def language_mix(ds: Dataset, *, table: str = "posts") -> pd.DataFrame:
    """Share (%) of each detected language per page; ``und`` is undetermined (too short or unclear)."""
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


def missing_values(ds: Dataset) -> pd.DataFrame:
    """For each table and data-model column: how many values are missing, and the share (%).

    Counts missing in an export stay missing (never 0), so a column entirely missing here is a
    column the source format does not have.
    """
    rows = []
    for table in ("pages", "posts", "comments"):
        frame = getattr(ds, table)
        for col, spec in TABLES[table].items():
            if spec.derived or col.startswith("source_"):
                continue
            n_missing = int(frame[col].isna().sum())
            rows.append((table, col, n_missing, round(100 * n_missing / len(frame), 1) if len(frame) else 0.0))
    out = pd.DataFrame(rows, columns=["table", "column", "missing", "missing_%"])
    return out[out["missing"] > 0].reset_index(drop=True)


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

