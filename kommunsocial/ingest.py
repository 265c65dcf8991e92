"""``load``: raw export files → one clean, pseudonymised, validated :class:`Dataset`."""

from __future__ import annotations

import json
import warnings

import numpy as np

import pandas as pd
from tqdm.auto import tqdm

from . import privacy
from ._version import __version__
from ._atomic import locked
from .clean import clean_texts, drop_exact_duplicates, text_features
from .errors import LoadError
from .io import list_inputs, read_file
from .io._settings import as_settings, folder_settings, mapping_for
from .io._gaps import MissingDataWarning, describe, missing_parts
from .io._accounts import check_accounts, name_handle_pages, read_pages_tables
from .io._tables import Quarantine
from .language import (UNDETERMINED, LanguageCodeError, LanguageCodeWarning, combine_languages, detect_language,
                       needs_detection, normalise_language)
from .schema import PRIVATE_COLUMNS, Dataset, empty, isin, sha256_file

__all__ = ["load", "ingest"]


def load(paths, *, format=None, mapping=None, salt=None, progress=True, timezone=None,
         options=None, on_stage=None) -> Dataset:
    """Read raw export files or folders into one :class:`Dataset`.

    Each file's format is detected from its content unless ``format`` is given. Records that
    cannot be read go to ``dataset.quarantine`` with the file, row, column and reason; a file of
    which nothing can be read is an error. Texts are repaired and normalised, languages detected,
    commenters pseudonymised with ``salt`` (see :func:`kommunsocial.privacy.get_salt`) and e-mail
    addresses, phone numbers, personal identity numbers and commenters' names masked in text.

    A folder may hold its own settings in ``kommunsocial.json`` (``mapping``, ``options``,
    ``timezone``, ``format``) or ``mapping.json``: how ``make`` and the CLI, which pass only the
    folder, load a CSV from anywhere (see :mod:`kommunsocial.io._settings`). Arguments given here
    take precedence.

    Parameters
    ----------
    paths : path or list of paths
        Files, or folders searched recursively (README files and hidden files are skipped).
    format : str, optional
        Force one reader (``"crowdtangle"``, ``"graph_api"``, ``"csv"`` …) for every file.
    mapping : dict, optional
        Column mapping for a CSV from anywhere (see :mod:`kommunsocial.io.generic_csv`); a dict
        of file name → mapping gives each file its own.
    salt : str or bytes, optional
        Pseudonymisation key; default ``$KOMMUNSOCIAL_SALT`` or the project's salt file.
    timezone : str, optional
        Zone of naive timestamps in CSV files (default UTC), unless the mapping says otherwise.
    options : dict, optional
        Reader options passed to every reader, e.g. ``{"page_id": "100064512345678"}`` for Graph
        API comment files that do not name their page, ``{"account": "sjovikskommun"}`` for X, or
        ``{"zone_abbreviations": {"IST": "+01:00"}}`` for a time zone abbreviation.
    on_stage : callable, optional
        Called with the name of each stage as it starts (``"read"``, ``"deduplicate"``,
        ``"clean"``, ``"language"``, ``"features"``, ``"pseudonymise"``, ``"mask"``,
        ``"validate"``), and with ``None`` at the end: how ``make bench`` times them.

    Warns
    -----
    MissingDataWarning
        For each file that lacks post text, counts, follower counts or comment ids, saying what
        the reports cannot show; ``dataset.manifest["missing"]`` lists them.
    """
    settings = folder_settings(paths)  # kommunsocial.json beside the exports: what make cannot pass
    mapping = mapping if mapping is not None else settings.get("mapping")
    options = {**settings.get("options", {}), **(options or {})}
    timezone = timezone or settings.get("timezone")
    format = format or settings.get("format")
    skipped = []
    files = list_inputs(paths, skipped=skipped)
    stage = _Stages(on_stage)
    stage("read")
    key = privacy.get_salt(salt)
    reader_options = dict(options or {})
    # a pages.csv read as the loop below would (no format forced, no mapping of its own)
    plain = [(path, name) for path, name in files if format is None and mapping_for(mapping, name, path) is None]
    early = read_pages_tables(plain, reader_options)
    parts, inputs, gaps, failed = [], [], [], None
    # one step per file, then deduplicate, clean, detect languages, pseudonymise (None: only on a terminal)
    bar = tqdm(total=len(files) + 4, unit="step", disable=None if progress else True, leave=False)
    for path, name in files:
        bar.set_description(f"reading {name}")
        options = {**reader_options, "mapping": mapping_for(mapping, name, path)}
        if timezone and options["mapping"] is not None:
            options["mapping"] = {"timezone": timezone, **as_settings(options["mapping"])}
        elif timezone:
            options["mapping"] = {"timezone": timezone}
        fmt = format or ("csv" if options["mapping"] and any(k in options["mapping"] for k in ("columns", "table"))
                         else None)
        parsed = early[name] if name in early else read_file(path, format=fmt, name=name, **options)
        n_rows = sum(len(t) for t in (parsed.pages, parsed.posts, parsed.comments))
        if n_rows == 0 and parsed.quarantine and not failed:
            first = parsed.quarantine[0]
            failed = LoadError(name, f"no record could be loaded ({len(parsed.quarantine)} quarantined); the first: "
                                     f"{first['reason']}", row=first["source_row"], column=first["column"])
            if not parsed.info.get("accounts_not_found"):
                raise failed
            # an account named but not in this file may be a typo: said first, if no file knows it
        parts.append(parsed)
        gaps.extend((item, parsed.posts.get("page_id")) for item in missing_parts(parsed, name))
        inputs.append({
            "file": name, "format": parsed.info.get("format"), "bytes": path.stat().st_size,
            "sha256": sha256_file(path), "pages": len(parsed.pages), "posts": len(parsed.posts),
            "comments": len(parsed.comments), "quarantined": len(parsed.quarantine),
            **{k: v for k, v in parsed.info.items() if k not in ("format", "columns")},
        })
        bar.update()
    check_accounts(parts, inputs, reader_options)
    name_handle_pages(early.values(), parts)
    if failed:
        raise failed
    try:
        dataset = _assemble(parts, inputs, key, bar, stage)
        dataset.manifest["skipped_files"] = skipped
        if settings:
            dataset.manifest["settings"] = {k: v for k, v in settings.items()}
        dataset.manifest["missing"] = _said_missing(gaps, dataset.pages)
        return dataset
    finally:
        stage(None)
        bar.close()


def ingest(raw, out, **kwargs) -> Dataset:
    """:func:`load` the raw files and save the dataset as Parquet in ``out``.

    Holds the lock of ``out`` throughout (see :meth:`Dataset.save`): a second ingest into the same
    folder waits, saying so, and then writes its own complete dataset; the folder always holds one.
    """
    with locked(out, what="ingest"):
        dataset = load(raw, **kwargs)
        dataset.save(out)
    return dataset


def _said_missing(gaps, pages) -> list[dict]:
    """What the files lack, warned once per file: follower counts only when no other file (a
    Graph API page node, a ``pages.csv``) gave the followers of the file's pages."""
    followed = set(pages.loc[pages["followers"].notna(), "page_id"].astype(str))
    out = []
    for item, page_ids in gaps:
        if item["what"] == "follower counts" and page_ids is not None and \
                set(page_ids.dropna().astype(str)) <= followed:
            continue
        warnings.warn(describe(item), MissingDataWarning, stacklevel=3)  # a measure that disappears is said so
        out.append(item)
    return out


# ---------------------------------------------------------------------------------------------
class _Stages:
    """Announces each stage of :func:`load` to an optional callback."""

    def __init__(self, callback):
        self.callback = callback

    def __call__(self, name):
        if self.callback is not None:
            self.callback(name)


class _Texts:
    """The texts of several tables as their distinct values plus codes, to process each text once.

    ``apply(fn)`` maps the distinct texts through ``fn`` (a function of a Series of texts that
    treats each text on its own) and re-codes them, since two texts can become one;
    ``spread(values)`` gives, for each table, the value of each row's text.
    """

    def __init__(self, columns):
        self.lengths = [len(c) for c in columns]
        joined = pd.concat([c.astype("string").fillna("") for c in columns], ignore_index=True)
        codes, uniques = pd.factorize(joined, use_na_sentinel=False)
        self.codes, self.unique = codes, pd.Series(uniques, dtype="string")

    def apply(self, fn):
        mapped = pd.Series(fn(self.unique), dtype="string").fillna("").to_numpy()
        codes, uniques = pd.factorize(mapped, use_na_sentinel=False)
        self.codes, self.unique = codes[self.codes], pd.Series(uniques, dtype="string")

    def spread(self, values):
        """``values`` (one per distinct text, a Series or DataFrame) → one per row of each table."""
        rows = values.iloc[self.codes].reset_index(drop=True)
        out, start = [], 0
        for n in self.lengths:
            out.append(rows.iloc[start:start + n].reset_index(drop=True))
            start += n
        return out


def _concat(frames, table):
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty(table) if table != "comments" else empty("comments")
    return pd.concat(frames, ignore_index=True, sort=False)


def _merge_pages(parts, posts, quarantine_rows):
    frames = []
    for p in parts:
        if len(p.pages):
            f = p.pages.copy()
            f["_priority"] = 0 if p.info.get("table") == "pages" else 1
            frames.append(f)
    pages = pd.concat(frames, ignore_index=True, sort=False) if frames else pd.DataFrame(
        columns=["page_id", "platform", "_priority"])
    pages = _quarantine_page_conflicts(pages, quarantine_rows)
    # pages that only posts mention get a minimal row
    known = set(zip(pages["platform"].astype(str), pages["page_id"].astype(str)))
    if len(posts):
        refs = posts[["platform", "page_id"]].astype(str).drop_duplicates()
        extra = refs[[(a, b) not in known for a, b in zip(refs["platform"], refs["page_id"])]]
        if len(extra):
            extra = extra.assign(_priority=2)
            pages = pd.concat([pages, extra], ignore_index=True, sort=False)
    if not len(pages):
        return empty("pages")
    pages = pages.astype({"page_id": "string", "platform": "string"})
    pages = pages.sort_values("_priority", kind="mergesort").groupby(["platform", "page_id"], sort=True,
                                                                     dropna=False).first().reset_index()
    if "page_name" not in pages:
        pages["page_name"] = pd.NA
    pages["page_name"] = pages["page_name"].astype("string").fillna(pages.get("handle", pages["page_id"])
                                                                    .astype("string")).fillna(pages["page_id"])
    return pages.drop(columns=["_priority"])


#: Columns of a user's pages table that must agree when one page is listed twice.
_PAGE_FACTS = ("page_name", "handle", "municipality_code", "country", "population")


def _quarantine_page_conflicts(pages, quarantine_rows):
    """Rows of the user's pages tables (``pages.csv``) that list a page again with other values:
    the first stays, the later ones are quarantined naming the first; identical repeats merge.

    Rows read from platform exports are not compared: a page's name or follower count changes
    over the years an export covers, and the user's table is the one that says what is right.
    """
    if not len(pages) or "source_row" not in pages:
        return pages
    user = pages["_priority"].eq(0) & pages["page_id"].notna()
    if not user.any():
        return pages
    facts = [c for c in _PAGE_FACTS if c in pages]
    mine = pages[user].astype({c: "string" for c in facts})
    key = ["platform", "page_id"]
    distinct = mine.drop_duplicates([*key, *facts])
    clash = distinct.duplicated(key, keep="first")
    if not clash.any():
        return pages
    first = distinct[~clash].drop_duplicates(key).set_index(key)
    for _, row in distinct[clash].iterrows():  # the few conflicting rows only
        orig = first.loc[(row["platform"], row["page_id"])]
        differ = [c for c in facts if _differ(row[c], orig[c])]
        shown = "; ".join(f"{c} {orig[c]!r} there, {row[c]!r} here" for c in differ[:3])
        quarantine_rows.append({
            "source_file": row["source_file"], "source_row": int(row["source_row"]),
            "source_format": row["source_format"], "table": "pages", "column": differ[0] if differ else "page_id",
            "reason": f"page listed twice with different values (first in {orig['source_file']} row "
                      f"{int(orig['source_row'])}): {shown}",
            "record": json.dumps({c: (None if pd.isna(row[c]) else str(row[c])) for c in ["page_id", *facts]},
                                 ensure_ascii=False),
        })
    return pages.drop(index=distinct.index[clash])


def _differ(a, b) -> bool:
    """Whether two values of a table differ, a missing one differing from any given one."""
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) != pd.isna(b)
    return a != b


def _quarantine_reply_cycles(comments, quarantine_rows):
    """Quarantine comments whose chain of parents returns to themselves (a comment replying to
    itself, or A to B to A): no export can hold such a thread, so the ids are corrupt.

    Parents are followed by pointer doubling over all comments at once: after ``2**k >= n`` steps
    every chain that ends has reached its end, and the comments still pointing somewhere are the
    cycles and the replies hanging from them; the cycles are those a step still reaches.
    """
    if "parent_id" not in comments:
        return comments
    # only replies can be on a cycle (each member has a parent): follow the replies alone
    replies = np.flatnonzero(comments["parent_id"].notna().to_numpy())
    n = len(replies)
    if not n:
        return comments
    codes, _ = pd.factorize(pd.concat([comments["comment_id"].iloc[replies].astype("string"),
                                       comments["parent_id"].iloc[replies].astype("string")], ignore_index=True))
    where = np.full(codes.max() + 2, n)  # code -> position among the replies; n: not a reply
    where[codes[:n][::-1]] = np.arange(n)[::-1]  # the first, should an id repeat
    jump = np.append(where[codes[n:]], n)  # position n: "no parent among the replies", which stays there
    for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
        jump = jump[jump]
    looping = jump[:-1] != n
    if not looping.any():
        return comments
    on_cycle = np.zeros(len(comments), dtype=bool)
    on_cycle[replies[np.unique(jump[:-1][looping])]] = True
    bad = comments[on_cycle]
    for _, row in bad.iterrows():
        quarantine_rows.append({
            "source_file": row["source_file"], "source_row": row["source_row"], "source_format": row["source_format"],
            "table": "comments", "column": "parent_id",
            "reason": f"reply cycle: the chain of parents of comment {row['comment_id']} returns to it "
                      f"(parent_id {row['parent_id']})",
            "record": json.dumps({c: (None if pd.isna(v) else str(v)) for c, v in row.items()
                                  if c not in PRIVATE_COLUMNS}, ensure_ascii=False),
        })
    return comments[~on_cycle].reset_index(drop=True)


def _nothing_loaded(inputs, quarantine_rows):
    """Raise the error of a load that quarantined every record, naming files and top reasons."""
    q = pd.DataFrame(quarantine_rows)
    reasons = q["reason"].astype(str).str.split(":").str[0].str.split(" \\(").str[0].value_counts()
    top = "; ".join(f"{r} ({n})" for r, n in reasons.head(3).items())
    files = ", ".join(i["file"] for i in inputs)
    first = q.iloc[0]
    raise LoadError(files, f"nothing could be loaded: all {len(q)} records were quarantined; the most common "
                           f"reasons: {top}. The first: {first['source_file']} row {first['source_row']}, column "
                           f"{first['column']}: {first['reason']}{_fix_for(reasons.index[0])}")


def _fix_for(reason: str) -> str:
    """What to do when every record was quarantined for ``reason`` (empty when there is no one fix)."""
    if reason.startswith("comment's post is not in the dataset"):
        return (". Comments are kept only with their posts: add the export of the posts they answer (e.g. the "
                "page's /posts response, or the CrowdTangle or Facepager file) to the same folder")
    return ""


#: When one post or comment comes from several formats, values are taken in this order (the Graph
#: API is the platform's own record; CrowdTangle and MCL are snapshots; DYI has no counts).
FORMAT_PRECEDENCE = ("graph_api", "facepager", "instagram", "x_v2", "twarc2", "crowdtangle", "mcl", "dyi", "csv")
#: Formats whose record read again from another file of the same format is merged, not a conflict.
MERGED_ACROSS_FILES = ("x_v2", "twarc2")


def _deduplicate(frame, key, table, quarantine_rows):
    """Drop exact repeats, merge one record read from several formats, quarantine true conflicts.

    A record whose id repeats in the same format with different content is a conflict: the first
    is kept and the other quarantined; for the formats of :data:`MERGED_ACROSS_FILES` only within
    one file (another file of them is another snapshot of the same tweets, merged as below). The
    same id from different formats (CrowdTangle posts and Graph API posts of the same page, say) is
    one record: each column takes the first value that is not missing, formats ranked by
    :data:`FORMAT_PRECEDENCE`, then files in the order read.
    Returns ``(frame, n_exact_duplicates, n_merged)``.
    """
    fmt = frame["source_format"].astype(str)
    rank = fmt.map({f: i for i, f in enumerate(FORMAT_PRECEDENCE)}).fillna(len(FORMAT_PRECEDENCE))
    # a tweet id is the platform's: in two files (the same search saved twice, counts grown in
    # between) it is one tweet, merged; within one file, other content is a conflict
    group = fmt.where(~fmt.isin(MERGED_ACROSS_FILES), fmt + "/" + frame["source_file"].astype(str))
    frame = frame.assign(_rank=rank.to_numpy(), _pos=np.arange(len(frame)), _group=group.to_numpy())
    # ranked first, so that of exact repeats the copy of the best-ranked format, then the first
    # file, stays: the same choice as the merge below makes, whichever copies repeat exactly
    frame = frame.sort_values(["_rank", "_pos"], kind="mergesort")
    frame, n_exact = drop_exact_duplicates(frame, ignore=("source_file", "source_row", "source_format", "_rank",
                                                          "_pos", "_group"))
    repeated = frame.duplicated(key, keep=False)
    if not repeated.any():
        frame = frame.sort_values("_pos", kind="mergesort")
        return frame.drop(columns=["_rank", "_pos", "_group"]).reset_index(drop=True), n_exact, 0
    same = frame.duplicated([*key, "_group"], keep="first")
    conflicts = frame[same]
    if len(conflicts):
        first = frame[~same].drop_duplicates([*key, "_group"]).set_index([*key, "_group"])
        for _, row in conflicts.iterrows():
            orig = first.loc[tuple(row[c] for c in [*key, "_group"])]
            record = {c: (None if pd.isna(v) else str(v)) for c, v in row.items()
                      if c not in PRIVATE_COLUMNS and not c.startswith("_")}
            quarantine_rows.append({
                "source_file": row["source_file"], "source_row": row["source_row"],
                "source_format": row["source_format"], "table": table, "column": key[-1],
                "reason": f"duplicate id with different content (first read from {orig['source_file']} row "
                          f"{orig['source_row']})",
                "record": json.dumps(record, ensure_ascii=False),
            })
    frame = frame[~same]
    multi = frame.duplicated(key, keep=False)
    merged = frame[multi].groupby(key, sort=False, dropna=False).first().reset_index()
    n_merged = int(multi.sum() - len(merged))
    out = pd.concat([frame[~multi], merged], ignore_index=True).sort_values("_pos", kind="mergesort")
    return out.drop(columns=["_rank", "_pos", "_group"]).reset_index(drop=True), n_exact, n_merged


def _complete_post_ids(refs: pd.Series, post_ids: pd.Series) -> pd.Series:
    """A bare Facebook post id (``812345678901234``) in a comments file whose page was not known
    becomes the canonical ``<page_id>_<post_id>`` when exactly one post in the dataset ends so."""
    refs = refs.astype("string")
    missing = (pd.Series(~isin(refs, post_ids.dropna()), index=refs.index)
               & ~refs.str.contains("_", regex=False).fillna(True))
    if not missing.any():
        return refs
    tails = post_ids.dropna().astype(str)
    tails = tails[tails.str.contains("_", regex=False)]
    by_tail = pd.Series(tails.to_numpy(), index=tails.str.split("_").str[-1].to_numpy())
    by_tail = by_tail[~by_tail.index.duplicated(keep=False)].to_dict()
    return pd.Series([by_tail.get(r, r) if m else r for r, m in zip(refs.tolist(), missing.tolist())],
                     index=refs.index, dtype="string")


def _assemble(parts, inputs, key, bar, stage) -> Dataset:
    stage("deduplicate")
    bar.set_description("deduplicating")
    quarantine_rows = [row for p in parts for row in p.quarantine]
    posts = _concat([p.posts for p in parts], "posts")
    comments = _concat([p.comments for p in parts], "comments")
    if "platform" not in posts:
        posts["platform"] = "facebook"
    posts, dup_posts, merged_posts = _deduplicate(posts, ["platform", "post_id"], "posts", quarantine_rows)
    comments, dup_comments, merged_comments = _deduplicate(comments, ["comment_id"], "comments", quarantine_rows)

    comments["post_id"] = _complete_post_ids(comments["post_id"], posts["post_id"])
    # comments whose post is not in the dataset cannot be analysed: quarantine them, counted
    orphan = pd.Series(~isin(comments["post_id"].astype("string"), posts["post_id"].astype("string")),
                       index=comments.index)
    if orphan.any():
        q = Quarantine("", "")
        for _, row in comments[orphan].iterrows():
            q.source_file, q.source_format = row["source_file"], row["source_format"]
            q.add(row["source_row"], {c: (None if pd.isna(v) else str(v)) for c, v in row.items()
                                      if c not in PRIVATE_COLUMNS},
                  f"comment's post is not in the dataset (post_id {row['post_id']})", table="comments", column="post_id")
        quarantine_rows.extend(q.rows)
        comments = comments[~orphan].reset_index(drop=True)

    comments = _quarantine_reply_cycles(comments, quarantine_rows)
    pages = _merge_pages(parts, posts, quarantine_rows)
    if (not len(posts) and not len(comments) and quarantine_rows
            and not any(i.get("table") == "pages" for i in inputs)):
        _nothing_loaded(inputs, quarantine_rows)

    # text: repair, normalise, language, features. Every step is a function of the text alone, so
    # each distinct text is processed once (comments repeat: "Tack!", "👍") and the results spread
    bar.update()
    bar.set_description("cleaning texts")
    stage("clean")
    texts = _Texts([f["text"] if "text" in f else pd.Series("", index=f.index, dtype="string")
                    for f in (posts, comments)])
    texts.apply(clean_texts)
    bar.update()
    bar.set_description("detecting languages")
    stage("language")
    # the platform's own code where the export has one, else detection (each distinct text once)
    lang_rows, lang_counts = _languages([posts, comments], texts)
    posts["lang"], comments["lang"] = (r.array for r in lang_rows)
    posts, comments = (f.drop(columns=["platform_lang"], errors="ignore") for f in (posts, comments))
    # one language per distinct text (its first row's) decides which words are common when masking names
    langs = pd.concat(lang_rows, ignore_index=True).iloc[np.unique(texts.codes, return_index=True)[1]]
    langs = langs.reset_index(drop=True)
    bar.update()
    bar.set_description("pseudonymising")

    # features first: a masked mention or address still counts as one
    stage("features")
    feats = text_features(texts.unique)
    for frame, part in zip((posts, comments), texts.spread(feats)):
        for c in feats:
            frame[c] = part[c].array
    stage("pseudonymise")
    comments, names = _pseudonymise(comments, posts, pages, key)
    stage("mask")
    page_handles = pages["handle"].dropna().tolist() if "handle" in pages else []
    page_words = pages["page_name"].dropna().tolist() + page_handles  # the municipality is no person
    texts.apply(lambda u: privacy.redact(privacy.mask_mentions(
        privacy.mask_names(u, names, lang=langs, keep=page_words), keep=page_handles)))
    posts["text"], comments["text"] = (s.array for s in texts.spread(texts.unique))

    bar.update()
    stage("validate")
    quarantine = pd.DataFrame(quarantine_rows, columns=list(empty("quarantine").columns))
    if len(quarantine):
        quarantine["record"] = privacy.redact(privacy.mask_mentions(
            privacy.mask_names(quarantine["record"], names, keep=page_words), keep=page_handles))
    missing_parent = comments["parent_id"].notna() & ~isin(comments["parent_id"].astype("string"),
                                                          comments["comment_id"].astype("string")) \
        if "parent_id" in comments else pd.Series(False, index=comments.index)
    reasons = (quarantine["reason"].astype(str).str.split(":").str[0].str.split(" \\(").str[0]
               .value_counts().sort_index().to_dict() if len(quarantine) else {})
    manifest = {
        "kommunsocial_version": __version__,
        "salt_fingerprint": privacy.salt_fingerprint(key),
        "inputs": inputs,
        "quarantined_by_reason": {k: int(v) for k, v in reasons.items()},
        "duplicates_dropped": {"posts": dup_posts, "comments": dup_comments},
        "merged_across_formats": {"posts": merged_posts, "comments": merged_comments},
        "replies_with_missing_parent": int(missing_parent.sum()),
        "languages": lang_counts,
    }
    if len(posts):
        manifest["period"] = {"first_post": posts["created_at"].min().isoformat(),
                              "last_post": posts["created_at"].max().isoformat()}
    dataset = Dataset(pages, posts, comments, quarantine, manifest=manifest)  # conformed and sorted there
    dataset.manifest["counts"] = {n: int(len(t)) for n, t in dataset.tables().items()}
    return dataset


def _languages(frames, texts):
    """Each row's language (:func:`kommunsocial.language.combine_languages`) and how many were decided how.

    ``frames`` are the posts and comments, with the platform's codes in ``platform_lang`` (which
    readers add where the export has a language field, and which is not kept); ``texts`` their
    cleaned texts. Only texts that some row needs detected are detected.
    A code that is no language code is warned about (file, row, column) and the text detected.
    """
    raw = pd.concat([f["platform_lang"].astype(object) if "platform_lang" in f else
                     pd.Series([None] * len(f), dtype=object) for f in frames], ignore_index=True)
    raw = raw.where(raw.notna(), None)
    bad = _bad_codes(raw, frames)
    need = needs_detection(raw)
    detected = np.full(len(texts.unique), UNDETERMINED, dtype=object)
    wanted = np.unique(texts.codes[need])
    if len(wanted):
        detected[wanted] = detect_language(texts.unique.iloc[wanted]).to_numpy(dtype=object)
    lang, source = combine_languages(raw, detected[texts.codes])
    counts = {"from_platform": int((source == "platform").sum()), "detected": int((source == "detected").sum()),
              "platform_codes_not_understood": bad}
    out, start = [], 0
    for f in frames:
        out.append(lang.iloc[start:start + len(f)].reset_index(drop=True))
        start += len(f)
    return out, counts


def _bad_codes(raw: pd.Series, frames) -> int:
    """How many rows hold a platform code that is no language code; the first is warned about."""
    bad_values = set()
    for value in pd.unique(raw.dropna().to_numpy(dtype=object)):
        try:
            normalise_language(value)
        except LanguageCodeError:
            bad_values.add(value)
    if not bad_values:
        return 0
    where = np.flatnonzero(raw.isin(bad_values).to_numpy())
    first, n_posts = int(where[0]), len(frames[0])
    row = frames[0].iloc[first] if first < n_posts else frames[1].iloc[first - n_posts]
    warnings.warn(f"{row.get('source_file')}, row {row.get('source_row')}, column 'lang': {raw.iloc[first]!r} is "
                  f"not a language code; the language of this and {len(where) - 1} other rows with such codes "
                  f"was detected from the text", LanguageCodeWarning, stacklevel=4)
    return int(len(where))


def _pseudonymise(comments, posts, pages, key):
    """Replace commenters' names and ids by keyed pseudonyms; the page's own account stays the page."""
    if not len(comments):
        return comments.drop(columns=[c for c in PRIVATE_COLUMNS if c in comments]), []
    for c in PRIVATE_COLUMNS:
        if c not in comments:
            comments[c] = pd.NA
    info = posts[["post_id", "page_id", "platform"]].merge(
        pages[["platform", "page_id", "page_name", "handle"]] if "handle" in pages else
        pages[["platform", "page_id", "page_name"]].assign(handle=pd.NA),
        on=["platform", "page_id"], how="left")
    info = info.drop_duplicates("post_id").set_index("post_id")
    ctx = info.reindex(comments["post_id"].to_numpy())
    detected = privacy.page_author_mask(comments["author_platform_id"], comments["author_name"],
                                        pd.Series(ctx["page_id"].to_numpy()), pd.Series(ctx["page_name"].to_numpy()),
                                        pd.Series(ctx["handle"].to_numpy()))
    detected.index = comments.index
    given = comments["author_is_page"].astype("boolean") if "author_is_page" in comments else \
        pd.Series(pd.NA, index=comments.index, dtype="boolean")
    is_page = given.fillna(detected).astype(bool)
    platform = pd.Series(ctx["platform"].astype("string").to_numpy(), index=comments.index).fillna("facebook")
    ident = comments["author_platform_id"].astype("string")
    by_name = "name:" + comments["author_name"].astype("string").str.strip().str.casefold()
    keys = platform + ":" + ident.fillna(by_name)
    author = privacy.pseudonymise(keys, key)
    author = author.where(~is_page, pd.Series(ctx["page_id"].to_numpy(), index=comments.index).astype("string"))
    names = comments.loc[~is_page, "author_name"].dropna().astype(str).unique().tolist()
    out = comments.drop(columns=list(PRIVATE_COLUMNS))
    out["author_id"] = author
    out["author_is_page"] = is_page
    return out, names
