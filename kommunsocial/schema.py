"""The data model: pages, posts, comments and quarantine tables, their validation, and ``Dataset``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DatasetError, KommunsocialError, SchemaError
from .language import LANG_CODES

__all__ = [
    "Column",
    "TABLES",
    "PLATFORMS",
    "POST_TYPES",
    "SOURCE_FORMATS",
    "LANG_CODES",
    "REACTION_COLUMNS",
    "PRIVATE_COLUMNS",
    "conform",
    "validate",
    "empty",
    "Dataset",
]

PLATFORMS = ("facebook", "instagram", "x", "other")
POST_TYPES = ("status", "photo", "video", "link", "event", "album", "reel", "live", "other")
SOURCE_FORMATS = ("crowdtangle", "facepager", "graph_api", "dyi", "mcl", "x_v2", "twarc2", "instagram", "csv")
#: Per-type reaction counts besides ``n_likes``.
REACTION_COLUMNS = ("n_love", "n_haha", "n_wow", "n_sad", "n_angry", "n_care")
#: Columns readers may carry with a commenter's real identity; privacy turns them into
#: pseudonyms and they must never be saved.
PRIVATE_COLUMNS = ("author_name", "author_platform_id")

DATETIME_DTYPE = pd.DatetimeTZDtype(unit="us", tz="UTC")


@dataclass(frozen=True)
class Column:
    """One column of a table: its dtype kind, whether it may be missing, and allowed categories."""

    name: str
    kind: str  # "string" | "category" | "Int64" | "datetime" | "boolean"
    nullable: bool = True
    categories: tuple | None = None
    #: derived columns are filled by cleaning, not by readers
    derived: bool = False


def _cols(*specs):
    return {c.name: c for c in specs}


_SOURCE = (
    Column("source_format", "category", False, SOURCE_FORMATS),
    Column("source_file", "string", False),
    Column("source_row", "Int64", False),
)
_TEXT_FEATURES = (
    Column("n_urls", "Int64", False, derived=True),
    Column("n_hashtags", "Int64", False, derived=True),
    Column("n_mentions", "Int64", False, derived=True),
    Column("n_emoji", "Int64", False, derived=True),
    Column("hashtags", "string", False, derived=True),
)

TABLES: dict[str, dict[str, Column]] = {
    "pages": _cols(
        Column("page_id", "string", False),
        Column("platform", "category", False, PLATFORMS),
        Column("page_name", "string", False),
        Column("handle", "string"),
        Column("municipality_code", "string"),
        Column("country", "category"),
        Column("followers", "Int64"),
        Column("population", "Int64"),
    ),
    "posts": _cols(
        Column("post_id", "string", False),
        Column("page_id", "string", False),
        Column("platform", "category", False, PLATFORMS),
        Column("created_at", "datetime", False),
        Column("text", "string", False),
        Column("post_type", "category", False, POST_TYPES),
        Column("url", "string"),
        Column("n_reactions", "Int64"),
        Column("n_likes", "Int64"),
        *(Column(c, "Int64") for c in REACTION_COLUMNS),
        Column("n_comments", "Int64"),
        Column("n_shares", "Int64"),
        Column("n_views", "Int64"),
        Column("followers_at_posting", "Int64"),
        Column("lang", "category", True, LANG_CODES, derived=True),
        *_SOURCE,
        *_TEXT_FEATURES,
    ),
    "comments": _cols(
        Column("comment_id", "string", False),
        Column("post_id", "string", False),
        Column("parent_id", "string"),
        Column("author_id", "string"),
        Column("author_is_page", "boolean", False),
        Column("created_at", "datetime", False),
        Column("text", "string", False),
        Column("n_likes", "Int64"),
        Column("n_replies", "Int64"),
        Column("lang", "category", True, LANG_CODES, derived=True),
        *_SOURCE,
        *_TEXT_FEATURES,
    ),
    "quarantine": _cols(
        Column("source_file", "string", False),
        Column("source_row", "Int64"),
        Column("source_format", "category", True, SOURCE_FORMATS),
        Column("table", "string", False),
        Column("column", "string"),
        Column("reason", "string", False),
        Column("record", "string", False),
    ),
}

#: Row order of every table, so the same data always gives the same bytes.
SORT_KEYS = {
    "pages": ["platform", "page_id"],
    "posts": ["platform", "page_id", "created_at", "post_id"],
    "comments": ["post_id", "created_at", "comment_id"],
    "quarantine": ["source_file", "source_row", "table", "reason"],
}
#: Columns whose values must be unique together.
KEYS = {
    "pages": ["platform", "page_id"],
    "posts": ["platform", "post_id"],
    "comments": ["comment_id"],
}
COUNT_COLUMNS = {
    t: [c.name for c in spec.values() if c.kind == "Int64" and c.name != "source_row"] for t, spec in TABLES.items()
}


_STRING = pd.StringDtype()  # what astype("string") gives: pd.NA for missing (not the NaN of "str")


def _cast(series: pd.Series, col: Column) -> pd.Series:
    kind = col.kind
    if kind == "string":
        return series if series.dtype == _STRING else series.astype("string")
    if kind == "Int64":
        if series.dtype == "Int64":
            return series
        return pd.to_numeric(series, errors="raise").astype("Int64")
    if kind == "boolean":
        return series if series.dtype == "boolean" else series.astype("boolean")
    if kind == "datetime":
        if not isinstance(series.dtype, pd.DatetimeTZDtype):
            if series.isna().all():
                return series.astype(DATETIME_DTYPE)
            raise SchemaError("?", "expected tz-aware UTC timestamps", column=col.name)
        return series.dt.tz_convert("UTC").astype(DATETIME_DTYPE)
    if kind == "category":
        if isinstance(series.dtype, pd.CategoricalDtype) and _has_categories(series, col):
            return series
        values = series.astype("string")
        if col.categories is not None:
            cats = list(col.categories)
            unknown = sorted(set(values.dropna().unique()) - set(cats))
            if unknown:
                raise SchemaError("?", f"unknown values {unknown}; allowed: {cats}", column=col.name)
        else:
            cats = sorted(values.dropna().unique().tolist())
        return pd.Series(pd.Categorical(values.astype(object).where(values.notna(), None), categories=cats),
                         index=series.index, name=series.name)
    raise ValueError(f"unknown column kind {kind!r}")


def _has_categories(series: pd.Series, col: Column) -> bool:
    """Whether a categorical ``series`` already has exactly the categories :func:`_cast` would give
    it (the model's, or the sorted values present), so that casting it again changes nothing."""
    cats = series.cat.categories
    if col.categories is not None:
        want = pd.Index(list(col.categories))
    else:
        used = np.unique(series.cat.codes.to_numpy())
        want = pd.Index(sorted(cats[used[used >= 0]].tolist()))
    return not series.cat.ordered and cats.dtype == want.dtype and cats.equals(want)


def empty(table: str) -> pd.DataFrame:
    """An empty table of the data model with every column at its dtype."""
    spec = TABLES[table]
    frame = pd.DataFrame({name: pd.Series([], dtype=object) for name in spec})
    return conform(table, frame, derived=True)


def conform(table: str, frame: pd.DataFrame, *, derived: bool = True, sort: bool = True) -> pd.DataFrame:
    """Cast ``frame`` to the dtypes of ``table``, add absent nullable columns as missing, order rows.

    Columns of the data model come first in their documented order, extra columns (for example
    tone scores added by an analysis) follow. With ``derived=False`` the columns that cleaning
    derives may be absent.
    """
    spec = TABLES[table]
    out = {}
    for name, col in spec.items():
        if name in frame.columns:
            try:
                out[name] = _cast(frame[name], col)
            except (TypeError, ValueError) as exc:
                if isinstance(exc, SchemaError):
                    raise SchemaError(table, exc.args[0].split(": ", 1)[-1], column=name) from None
                raise SchemaError(table, f"cannot be read as {col.kind}: {exc}", column=name) from None
        elif col.nullable or (col.derived and not derived):
            if col.derived and not derived:
                continue
            out[name] = _cast(pd.Series([pd.NA] * len(frame), index=frame.index, dtype=object), col)
        else:
            raise SchemaError(table, "required column is missing", column=name)
    extras = [c for c in frame.columns if c not in spec]
    result = pd.DataFrame(out, index=frame.index)
    for c in extras:
        result[c] = frame[c]
    if sort and len(result):
        keys = [k for k in SORT_KEYS[table] if k in result.columns]
        result = result.iloc[_stable_order(result, keys)]
    return result.reset_index(drop=True)


def _stable_order(frame: pd.DataFrame, keys) -> np.ndarray:
    """Row order of ``frame.sort_values(keys, kind="mergesort", na_position="first")``, computed
    as one ``np.lexsort`` over integer keys (sorted codes for text, integers for times): the
    same order, in about half the time on millions of rows."""
    columns = []
    for key in reversed(keys):  # lexsort sorts by the last key first
        s = frame[key]
        if isinstance(s.dtype, pd.DatetimeTZDtype) or str(s.dtype).startswith("datetime64"):
            # NaT is the smallest int64, so it comes first, as na_position="first" puts it
            columns.append(s.array.asi8 if hasattr(s.array, "asi8") else s.to_numpy().view("i8"))
        else:
            columns.append(pd.factorize(s, sort=True, use_na_sentinel=True)[0])  # missing → -1: first
    return np.lexsort(columns)


def isin(values: pd.Series, pool) -> np.ndarray:
    """``values.isin(pool)`` as a boolean array, through shared integer codes: many times faster
    than comparing strings when both sides have millions of rows."""
    pool = pd.Series(pool)
    codes, _ = pd.factorize(pd.concat([pool.astype(values.dtype), values], ignore_index=True))
    out = np.isin(codes[len(pool):], codes[:len(pool)])
    return out & (codes[len(pool):] >= 0)


def validate(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Check ``frame`` against the data model; raise :class:`SchemaError` naming the column and rows."""
    spec = TABLES[table]
    for name in PRIVATE_COLUMNS:
        if name in frame.columns:
            raise SchemaError(table, "holds a commenter's real identity; pseudonymise before saving", column=name)
    for name, col in spec.items():
        if name not in frame.columns:
            raise SchemaError(table, "required column is missing", column=name)
        s = frame[name]
        expected = {
            "string": lambda d: isinstance(d, pd.StringDtype),
            "Int64": lambda d: d == "Int64",
            "boolean": lambda d: d == "boolean",
            "datetime": lambda d: isinstance(d, pd.DatetimeTZDtype) and str(d.tz) == "UTC",
            "category": lambda d: isinstance(d, pd.CategoricalDtype),
        }[col.kind]
        if not expected(s.dtype):
            raise SchemaError(table, f"has dtype {s.dtype}, expected {col.kind}", column=name)
        if not col.nullable:
            bad = np.flatnonzero(s.isna().to_numpy())
            if len(bad):
                raise SchemaError(table, "must not be missing", column=name, rows=bad)
        if col.categories is not None and isinstance(s.dtype, pd.CategoricalDtype):
            unknown = set(s.cat.categories) - set(col.categories)
            if unknown:
                raise SchemaError(table, f"unknown values {sorted(unknown)}; allowed: {col.categories}", column=name)
    for name in COUNT_COLUMNS.get(table, []):
        neg = np.flatnonzero((frame[name] < 0).fillna(False).to_numpy())
        if len(neg):
            raise SchemaError(table, "negative count", column=name, rows=neg)
    if table in KEYS:
        dup = frame.duplicated(KEYS[table], keep=False).to_numpy()
        if dup.any():
            raise SchemaError(table, f"duplicate key {KEYS[table]}", column=KEYS[table][-1], rows=np.flatnonzero(dup))
    if table == "pages" and "municipality_code" in frame:
        codes = frame["municipality_code"].dropna()
        bad = codes[~codes.str.fullmatch(r"\d{2,6}")]
        if len(bad):
            raise SchemaError(table, "municipality codes are digit strings such as '0180'", column="municipality_code",
                              rows=bad.index)
    return frame


def _validate_links(pages, posts, comments):
    missing_page = ~isin(posts["page_id"], pages["page_id"])
    if missing_page.any():
        raise SchemaError("posts", "page_id not found in pages", column="page_id",
                          rows=np.flatnonzero(missing_page))
    orphan = ~isin(comments["post_id"], posts["post_id"])
    if orphan.any():
        raise SchemaError("comments", "post_id not found in posts", column="post_id",
                          rows=np.flatnonzero(orphan))


class Dataset:
    """The pages, posts, comments and quarantine of one collection, validated on construction.

    Parameters
    ----------
    pages, posts, comments : DataFrame
        Tables of the data model (``docs/data-model.md``). They are cast to the model's dtypes and
        put in a canonical row order, so equal data gives byte-identical files.
    quarantine : DataFrame, optional
        Records that could not be loaded, with the reason.
    manifest : dict, optional
        Provenance written by :func:`kommunsocial.load` (input files and their sha256, counts).
    """

    _TABLE_NAMES = ("pages", "posts", "comments", "quarantine")

    def __init__(self, pages, posts, comments, quarantine=None, *, manifest=None, validate_links=True):
        from ._store import Deferred

        self._pages = validate("pages", conform("pages", pages))
        self._posts = validate("posts", conform("posts", posts))
        # a table read from disk on first use (Dataset.read): reports on tone never load the comments
        self._deferred = comments if isinstance(comments, Deferred) else None
        self._check_links = validate_links
        self._comments = None if self._deferred else validate("comments", conform("comments", comments))
        q = quarantine if quarantine is not None else empty("quarantine")
        self._quarantine = validate("quarantine", conform("quarantine", q))
        if validate_links:
            _validate_links(self._pages, self._posts, empty("comments") if self._deferred else self._comments)
        self.manifest = dict(manifest or {})
        #: The folder the dataset was read from (None when built in memory): where analyses keep
        #: their cache (``<folder>/_cache/``), e.g. the posts' tone scores.
        self.source = None

    pages = property(lambda self: self._pages, doc="One row per account (page_id, platform, …).")
    posts = property(lambda self: self._posts, doc="One row per post published by a page.")

    @property
    def comments(self) -> pd.DataFrame:
        """One row per comment or reply, authors pseudonymised."""
        if self._comments is None:
            comments = validate("comments", conform("comments", self._deferred.load()))
            if self._check_links:
                _validate_links(self._pages, self._posts, comments)
            self._comments, self._deferred = comments, None
        return self._comments
    quarantine = property(lambda self: self._quarantine, doc="Records that could not be loaded, with reasons.")

    def __repr__(self):
        return (f"<Dataset: {len(self.pages)} pages, {len(self.posts)} posts, {len(self.comments)} comments, "
                f"{len(self.quarantine)} quarantined>")

    @property
    def cache_dir(self) -> Path | None:
        """Where analyses keep results computed from this dataset (``<source>/_cache``), or None
        for a dataset built in memory."""
        return None if self.source is None else Path(self.source) / "_cache"

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in self._TABLE_NAMES}

    # -- persistence ---------------------------------------------------------------------------
    #: Tables written as one Parquet file per page (``posts/page_id=<id>/part-0.parquet``), so
    #: that a report on one municipality reads only its own files.
    PARTITIONED = ("posts", "comments")

    def save(self, folder) -> Path:
        """Write the tables as Parquet and ``manifest.json`` into ``folder``, replacing it whole.

        ``pages`` and ``quarantine`` are one file each; ``posts`` and ``comments`` are partitioned
        by page in the Hive layout (``posts/page_id=<id>/part-0.parquet``, the id percent-encoded)
        that pyarrow, DuckDB, Polars, Spark and R's arrow read as one table. Equal data gives
        byte-identical files.

        The write is atomic, so a reader sees the old dataset or the new one, never a mix:

        1. take the lock ``.<name>.lock`` beside ``folder`` (a second writer waits for it);
        2. write every table into a new sibling ``.<name>.new-<random>``, then ``manifest.json``,
           which lists each file with its size and sha256: a folder without it is incomplete;
        3. rename ``folder`` aside to ``.<name>.old-<random>``, rename the new folder to ``folder``
           (the tone cache ``_cache/`` moves along: it is keyed by content), remove the old one
           and anything earlier killed writes left.

        A write killed in step 2 leaves ``folder`` as it was; one killed between the renames of
        step 3 leaves no ``folder`` but both complete versions, and :meth:`read` then reads the
        new one; the next save cleans up. A ``folder`` that exists and holds anything but a
        dataset is refused rather than replaced.
        """
        import shutil

        from . import _atomic, _store

        folder = Path(folder)
        with _atomic.locked(folder):
            _store.check_replaceable(folder)
            new = _atomic.new_dir(folder)
            try:
                files = {}
                for name, frame in self.tables().items():
                    if name in self.PARTITIONED:
                        files[name] = _write_partitioned(frame if name == "posts" else
                                                         _with_page(frame, self._posts), new / name)
                        continue
                    path = new / f"{name}.parquet"
                    _write_parquet(frame, path)
                    files[name] = {"file": path.name, "rows": int(len(frame)), "sha256": sha256_file(path)}
                manifest = dict(self.manifest)
                manifest["tables"] = files
                manifest.setdefault("counts", {n: int(len(f)) for n, f in self.tables().items()})
                manifest.pop("files", None)  # a manifest read from disk: the list is made anew
                _store.write_manifest(new, manifest)
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            _atomic.replace_dir(new, folder, keep=("_cache",))
            _atomic.remove_leftovers(folder)
        return folder

    @classmethod
    def read(cls, folder, *, pages=None, verify="sizes") -> "Dataset":
        """Read a folder written by :meth:`save`, checked against its ``manifest.json``.

        ``pages`` (page ids) reads only those pages' posts and comments: the partitions of other
        pages are not opened. Use :func:`kommunsocial.report.open_dataset` to select by
        municipality code or name.

        ``verify="sizes"`` (the default, free) checks that every file read is listed in the
        manifest with its size and that no unlisted file lies among them; ``verify="full"`` also
        compares each file's sha256 (about a second per GB). A missing manifest, a missing, extra,
        truncated or altered file raises :class:`~kommunsocial.errors.DatasetError` naming the
        folder and the file. When a save was killed between its two renames, the complete version
        it left beside ``folder`` is read (see :meth:`save`).
        """
        from . import _store

        if verify not in _store.VERIFY_MODES:
            raise ValueError(f"verify must be one of {_store.VERIFY_MODES}, got {verify!r}")
        folder = Path(folder)
        wanted = None if pages is None else {str(p) for p in pages}
        for _attempt in range(3):
            where = _store.locate(folder)
            before = _store.identity(where)
            try:
                manifest = _store.read_manifest(where)
                _store.verify(where, manifest, mode=verify,
                              partitions=None if wanted is None else {_partition_dir(p) for p in wanted})
                ds = cls._read_tables(where, wanted, manifest, before)
            except (OSError, ValueError, KeyError) as exc:
                if _store.identity(where) != before:  # a save replaced the folder meanwhile: again
                    continue
                if isinstance(exc, (KommunsocialError, FileNotFoundError)):
                    raise
                raise DatasetError(where, f"cannot be read: {type(exc).__name__}: {exc}") from None
            if _store.identity(where) == before:  # no save replaced the folder while it was read
                ds.source = where
                return ds
        raise DatasetError(folder, "was replaced three times while being read; try again")

    @classmethod
    def _read_tables(cls, folder: Path, wanted, manifest, identity=None) -> "Dataset":
        from . import _store

        tables = {}
        for name in cls._TABLE_NAMES:
            if name == "comments" and (folder / name).is_dir():  # read on first use, from this version only
                tables[name] = _store.Deferred(folder, identity, lambda: _read_partitioned(
                    folder / "comments", "comments", wanted).drop(columns=["page_id"]))
            elif name in cls.PARTITIONED and (folder / name).is_dir():
                tables[name] = _read_partitioned(folder / name, name, wanted)
            elif (folder / f"{name}.parquet").is_file():  # a single file (written before partitioning)
                tables[name] = pd.read_parquet(folder / f"{name}.parquet")
        if wanted is not None:
            tables["pages"] = tables["pages"][tables["pages"]["page_id"].isin(wanted)]
            if not isinstance(tables["comments"], _store.Deferred):  # single-file layout: filter after reading
                tables["posts"] = tables["posts"][tables["posts"]["page_id"].isin(wanted)]
                tables["comments"] = tables["comments"][tables["comments"]["post_id"].isin(tables["posts"]["post_id"])]
        if not isinstance(tables["comments"], _store.Deferred):
            tables["comments"] = tables["comments"].drop(columns=["page_id"], errors="ignore")
        return cls(tables["pages"], tables["posts"], tables["comments"], tables.get("quarantine"), manifest=manifest)

    # -- views ---------------------------------------------------------------------------------
    def select(self, *, page=None, start=None, end=None) -> "Dataset":
        """The same dataset narrowed to some pages and a period.

        ``page`` is a page_id, municipality code, page name or handle (or a list of them);
        ``start``/``end`` are dates (inclusive start, exclusive end) read as UTC.
        """
        pages, posts = self.pages, self.posts
        if page not in (None, "", []):
            hit = self.match_pages(pages, page)
            if not hit.any():
                wanted = {str(p) for p in (page if isinstance(page, (list, tuple, set)) else [page])}
                raise KeyError(f"no page matches {sorted(wanted)}; known codes: "
                               f"{sorted(pages['municipality_code'].dropna().unique().tolist())}")
            pages = pages[hit]
            posts = posts[posts["page_id"].isin(pages["page_id"])]
        if start not in (None, ""):
            posts = posts[posts["created_at"] >= pd.Timestamp(start, tz="UTC")]
        if end not in (None, ""):
            posts = posts[posts["created_at"] < pd.Timestamp(end, tz="UTC")]
        comments = self.comments[self.comments["post_id"].isin(posts["post_id"])]
        out = Dataset(pages, posts, comments, self.quarantine, manifest=self.manifest)
        out.source = self.source
        return out

    @staticmethod
    def match_pages(pages: pd.DataFrame, page) -> pd.Series:
        """Which rows of a pages table ``page`` names: a page_id, municipality code, page name or
        handle, or a list of them."""
        wanted = {str(p) for p in (page if isinstance(page, (list, tuple, set)) else [page])}
        hit = pd.Series(False, index=pages.index)
        for col in ("page_id", "municipality_code", "page_name", "handle"):
            if col in pages:
                hit |= pages[col].isin(wanted).fillna(False)
        return hit

    @staticmethod
    def read_pages(folder) -> pd.DataFrame:
        """The pages table of a saved dataset alone (quick: one small file, its size checked)."""
        from . import _store

        where = _store.locate(Path(folder))
        _store.verify(where, _store.read_manifest(where), partitions=())
        return pd.read_parquet(where / "pages.parquet")

    def summary(self) -> pd.DataFrame:
        """One row per page: posts, comments, first and last post, share of comments by the page."""
        posts = self.posts
        per_post = self.comments.groupby("post_id", observed=True).agg(
            comments=("comment_id", "size"), page_comments=("author_is_page", "sum"))
        p = posts[["post_id", "page_id", "created_at"]].merge(per_post, on="post_id", how="left")
        agg = p.groupby("page_id").agg(
            posts=("post_id", "size"),
            first_post=("created_at", "min"),
            last_post=("created_at", "max"),
            comments=("comments", "sum"),
            page_comments=("page_comments", "sum"),
        )
        out = self.pages.set_index("page_id")[["page_name", "platform", "municipality_code", "country", "followers"]]
        out = out.join(agg, how="left")
        out[["posts", "comments", "page_comments"]] = out[["posts", "comments", "page_comments"]].fillna(0).astype(int)
        return out


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    # straight to its name: it is written inside the new dataset's folder, which no one reads yet
    frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


def _with_page(comments: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Comments with the page of their post, the key they are partitioned by."""
    page = posts.drop_duplicates("post_id").set_index("post_id")["page_id"]
    return comments.assign(page_id=page.reindex(comments["post_id"].to_numpy()).to_numpy())


def _partition_dir(page_id) -> str:
    from urllib.parse import quote

    return f"page_id={quote(str(page_id), safe='')}"


def _write_partitioned(frame: pd.DataFrame, folder: Path) -> dict:
    """One ``page_id=<id>/part-0.parquet`` per page (the key lives in the path, not the file).

    ``folder`` is new (:meth:`Dataset.save` writes a whole new dataset), so it holds exactly this
    table. Returns the manifest entry: rows, files, and a sha256 over the files' hashes.
    """
    folder.mkdir(parents=True, exist_ok=True)
    digest, entries = hashlib.sha256(), 0
    for page_id, part in frame.groupby("page_id", sort=True, observed=True):
        name = _partition_dir(page_id)
        (folder / name).mkdir(exist_ok=True)
        path = folder / name / "part-0.parquet"
        _write_parquet(part.drop(columns=["page_id"]), path)
        digest.update(f"{name}/part-0.parquet {sha256_file(path)}\n".encode())
        entries += 1
    return {"folder": folder.name, "partitioned_by": "page_id", "files": entries, "rows": int(len(frame)),
            "sha256": digest.hexdigest()}


def _read_partitioned(folder: Path, table: str, pages=None, columns=None) -> pd.DataFrame:
    """Read a table written by :func:`_write_partitioned`, only ``pages``' partitions if given
    (and only ``columns``, with ``page_id``, if given)."""
    import pyarrow as pa
    import pyarrow.dataset as pads

    partitioning = pads.partitioning(pa.schema([("page_id", pa.string())]), flavor="hive")
    files = sorted(str(p) for p in folder.glob("page_id=*/part-0.parquet"))
    columns = None if columns is None else ["page_id", *(c for c in columns if c != "page_id")]
    if not files:
        frame = empty(table).assign(page_id=pd.Series([], dtype="string"))
        return frame if columns is None else frame[columns]
    data = pads.dataset(files, format="parquet", partitioning=partitioning, partition_base_dir=str(folder))
    wanted = None if pages is None else pads.field("page_id").isin(sorted(pages))
    frame = data.to_table(filter=wanted, columns=columns).to_pandas()  # partitions of other pages are not read
    frame["page_id"] = frame["page_id"].astype("string")
    return frame


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
