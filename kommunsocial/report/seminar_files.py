"""The seminar's files: a printable coding sheet, the exports a pair saves, and collecting a class's exports.

A class of twelve pairs saves its codes on twelve laptops; the teacher copies the files into one
folder. Each file therefore carries the pair's name (the notebook's ``pair`` parameter), the time
it was saved and a short hash of its content, so that no two files share a name, and
:func:`collect` reads them all back, says which are copies or older saves of the same pair, and
quarantines the rows it cannot read instead of dropping them.

>>> slug("Anna & Bo (pair 7)")
'Anna-Bo-pair-7'
>>> slug("")
'unnamed'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from . import render
from .. import spreadsheet
from .._atomic import atomic_write, temp_path
from ..errors import KommunsocialError

__all__ = ["SeminarError", "PLACEHOLDER", "SHEET_CATEGORIES", "slug", "export_name", "save_export",
           "write_coding_sheet", "collect", "Collected", "EXPORT_KINDS", "shown_path"]

#: What the students' notebook hands out in place of a code: replaced by "formal" or "conversational".
PLACEHOLDER = "?"

#: The boxes of the printable sheet: each category and what the codebook says it is.
SHEET_CATEGORIES = (
    ("formal", "the municipality writes as an authority: impersonal, bureaucratic or legal wording, passive "
               "forms, nominal style, no \"you\", no emoji for mood"),
    ("conversational", "the municipality talks to people: addresses the reader (du, ni, dere, you), speaks as "
                       "\"we\", asks questions, greets, thanks, exclamations, emoji or everyday words"),
    ("cannot tell", "no text to judge, or a language you do not read: type None in the notebook"),
)

#: The exports of each exercise: file-name stem and the columns a file must hold besides ``pair``
#: and ``saved_at``.
EXPORT_KINDS = {"codes": ("exercise-1-codes", ("coding_seed", "post_id", "coder", "tone")),
                "models": ("exercise-2-models", ("model", "outcome", "irr", "ci_low", "ci_high"))}

_TONES = ("formal", "conversational")


class SeminarError(KommunsocialError, ValueError):
    """Something a student typed is not what the exercise expects; the message says how to fix it."""


def slug(pair) -> str:
    """The pair's name as it goes into a file name: letters, digits, ``_`` and ``-``; "unnamed" when empty."""
    text = re.sub(r"[^\w-]+", "-", str(pair or "").strip()).strip("-_")
    return text[:40] or "unnamed"


def export_name(kind: str, pair, content: bytes, saved_at: dt.datetime) -> str:
    """``<exercise>_<pair>_<UTC time>_<6 hex of the content's sha256>.csv``.

    >>> export_name("codes", "07", b"x", dt.datetime(2025, 3, 1, 9, 5, tzinfo=dt.timezone.utc))
    'exercise-1-codes_07_20250301-090500_2d7116.csv'
    """
    if kind not in EXPORT_KINDS:
        raise SeminarError(f"kind must be one of {', '.join(EXPORT_KINDS)}, not {kind!r}")
    stamp = saved_at.astimezone(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{EXPORT_KINDS[kind][0]}_{slug(pair)}_{stamp}_{hashlib.sha256(content).hexdigest()[:6]}.csv"


def save_export(frame: pd.DataFrame, folder, *, kind: str, pair="", coding_seed=None,
                now: dt.datetime | None = None) -> Path:
    """Save an exercise's table under a name no other pair's file has (:func:`export_name`).

    Parameters
    ----------
    frame : DataFrame
        The coded table of exercise 1 (:func:`~kommunsocial.report.seminar.coding_table`) or the
        models of exercise 2 (:func:`~kommunsocial.report.seminar.tone_irr`, indexed by model).
    folder : path
        Where to save (created if missing).
    kind : "codes" or "models"
    pair : str
        The pair's name or number; "" is saved as "unnamed".
    coding_seed : int, optional
        The seed of the coding sheet (kept with the codes: pairs with the same seed coded the same posts).
    now : datetime, optional
        The time of saving (UTC now by default).

    Returns
    -------
    Path of the CSV written (texts protected for Excel, :func:`kommunsocial.spreadsheet.to_csv`),
    with the columns ``pair`` and ``saved_at`` (ISO, UTC) first.
    """
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    table = frame.reset_index() if kind == "models" else frame.reset_index(drop=True)
    table.insert(0, "saved_at", now.isoformat())
    table.insert(0, "pair", str(pair or ""))
    if kind == "codes":
        table.insert(2, "coding_seed", coding_seed)
    missing = [c for c in EXPORT_KINDS.get(kind, ("", ()))[1] if c not in table.columns]
    if kind not in EXPORT_KINDS or missing:
        raise SeminarError(f"cannot save {kind!r}: the table lacks {', '.join(missing) or 'a known kind'}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # written under a temporary name first: the final name holds a hash of what was written
    tmp = temp_path(folder / f"{EXPORT_KINDS[kind][0]}.csv")
    try:
        spreadsheet.to_csv(table, tmp, index=False)
        path = folder / export_name(kind, pair, tmp.read_bytes(), now)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# -- the printable sheet -------------------------------------------------------------------------
_SHEET_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;max-width:60rem;margin:1.5rem auto;
padding:0 1rem;font-size:11pt;line-height:1.4}
h1{font-size:16pt;margin:0 0 .2rem} .sub{color:#444;margin:0 0 .8rem}
.who{display:flex;gap:2rem;margin:.6rem 0 1rem} .who span{flex:1;border-bottom:1px solid #111;padding-top:1.2rem}
dl{margin:0 0 1rem} dt{font-weight:600} dd{margin:0 0 .4rem 1rem}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #888;padding:.35rem .5rem;vertical-align:top;
text-align:left} th{background:#eee} td.text{white-space:pre-wrap;overflow-wrap:anywhere}
td.n{text-align:right;width:2rem} td.codes{width:11rem;white-space:nowrap}
.box{display:inline-block;width:.9rem;height:.9rem;border:1.5px solid #111;margin:0 .35rem .15rem 0;
vertical-align:middle}
tr{break-inside:avoid;page-break-inside:avoid}
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none}}
"""


def write_coding_sheet(sheet: pd.DataFrame, folder, *, coding_seed=None, dataset: str = "") -> Path:
    """Write the coding sheet as a page to print: the codebook's categories, then each post with a box per code.

    Parameters
    ----------
    sheet : DataFrame
        The sheet of :func:`kommunsocial.tone.coding.sample_for_coding` (``page``, ``text``; ``date``
        when present), numbered from 1 in its order as in the notebook.
    folder : path
        Where to write ``coding-sheet_seed-<seed>.html`` (created if missing).
    coding_seed : int, optional
        The seed that drew the sheet, printed on it and in its name (pairs must code the same posts).
    dataset : str
        The dataset's name, printed on the sheet.

    Raises
    ------
    SeminarError
        When the sheet has no post (a dataset without texts): there is nothing to code.

    Returns
    -------
    Path of the HTML page: A4 when printed, a post never split across pages, every text escaped
    (:func:`kommunsocial.report.render.escape`: a post's ``<script>`` prints as those characters).
    """
    esc = render.escape
    for col in ("page", "text"):
        if col not in sheet.columns:
            raise SeminarError(f"the sheet lacks column {col!r}: draw it with coding.sample_for_coding(...)")
    if not len(sheet):
        raise SeminarError("no post with text to code in this dataset (or period): exercise 1 needs posts "
                           "with their texts; use the sample, or a dataset whose export holds the texts")
    seed = "" if coding_seed is None else str(coding_seed)
    boxes = "<br>".join(f"<span class='box'></span>{esc(name)}" for name, _ in SHEET_CATEGORIES)
    rows = []
    dates = sheet["date"].astype("string").fillna("") if "date" in sheet.columns else pd.Series("", index=sheet.index)
    for i, (page, date, text) in enumerate(zip(sheet["page"].astype("string").fillna(""), dates,
                                               sheet["text"].astype("string").fillna("")), start=1):
        where = esc(page) + (f"<br><small>{esc(str(date)[:10])}</small>" if date else "")
        rows.append(f"<tr><td class='n'>{i}</td><td>{where}</td><td class='text'>{esc(text)}</td>"
                    f"<td class='codes'>{boxes}</td></tr>")
    codebook = "".join(f"<dt>{esc(name)}</dt><dd>{esc(what)}</dd>" for name, what in SHEET_CATEGORIES)
    about = " · ".join(x for x in (f"dataset {esc(dataset)}" if dataset else "",
                                   f"coding seed {esc(seed)}" if seed else "", f"{len(sheet)} posts") if x)
    page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Coding sheet{esc(' (seed ' + seed + ')') if seed else ''}</title>"
            f"<style>{_SHEET_CSS}</style></head><body>"
            "<h1>Coding sheet: the tone of municipal posts</h1>"
            f"<p class='sub'>{about}. Code each post <b>on your own, without talking</b>: tick one box for the "
            "voice that dominates the post. Then type your codes into the notebook, #1 first.</p>"
            "<div class='who'><span>Name:</span><span>Pair:</span></div>"
            f"<dl>{codebook}</dl>"
            "<table><thead><tr><th>#</th><th>municipality</th><th>post</th><th>your code</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></body></html>\n")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (f"coding-sheet_seed-{slug(seed)}.html" if seed else "coding-sheet.html")
    with atomic_write(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


# -- collecting a class's files ------------------------------------------------------------------
class Collected(NamedTuple):
    """What :func:`collect` read.

    ``table``: the rows of the files used, with ``file`` and ``pair`` (for codes, ``coder`` is
    ``<pair>/<coder>`` for people and ``index`` for the index, so coders of different pairs never
    share a name). ``files``: one row per file found, with ``status`` ("used", "same content as …",
    "older than …") . ``quarantine``: rows that could not be read, with ``file``, ``row`` (1-based
    data row), ``column`` and ``reason``.
    """

    table: pd.DataFrame
    files: pd.DataFrame
    quarantine: pd.DataFrame


def _read_export(path: Path, required) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise SeminarError(f"{path.name}: cannot be read as a seminar export: {exc}") from None
    frame = spreadsheet.unprotect_frame(frame)
    frame["_row"] = range(1, len(frame) + 1)  # the data row in the file, for the quarantine
    for column in ("pair", "saved_at", *required):
        if column not in frame.columns:
            raise SeminarError(f"{path.name}, column {column!r}: missing; not a file the seminar notebook saved "
                               f"(or saved by an older version of it)")
    return frame


def _problems(frame: pd.DataFrame, kind: str, name: str) -> list[dict]:
    """The rows of one file that cannot be used, each with its row, column and reason."""
    out = []
    for _, rec in frame.iterrows():
        row = int(rec["_row"])
        if kind == "codes":
            if rec["tone"] not in _TONES:
                out.append({"file": name, "row": row, "column": "tone",
                            "reason": f"{rec['tone']!r} is not formal or conversational"})
            elif not rec["post_id"]:
                out.append({"file": name, "row": row, "column": "post_id", "reason": "empty"})
        else:
            bad = next((c for c in ("irr", "ci_low", "ci_high") if pd.isna(pd.to_numeric(rec[c], errors="coerce"))),
                       None)
            if bad:
                out.append({"file": name, "row": row, "column": bad, "reason": f"{rec[bad]!r} is not a number"})
    return out


def collect(sources, *, kind: str = "codes") -> Collected:
    """Read the exports of a whole class: every file of one exercise in the folders and files given.

    Parameters
    ----------
    sources : path or list of paths
        Folders (every ``exercise-1-codes_*.csv`` or ``exercise-2-models_*.csv`` in them and
        their subfolders) and files.
    kind : "codes" or "models"
        Exercise 1's codes or exercise 2's models.

    Returns
    -------
    :class:`Collected`. A file whose content equals an earlier one's (the same file copied twice)
    is not used again; of several saves of the same pair (and, for codes, the same coding seed)
    only the latest is used. Files of an unnamed pair are never taken for each other: each counts
    as its own pair, ``unnamed-<hash>``. Every file found is listed in ``files`` with what
    happened to it, and rows that cannot be read are in ``quarantine``: nothing is dropped silently.

    Raises
    ------
    SeminarError
        When no file is found, or a file lacks a column an export has (naming the file and column).
    """
    if kind not in EXPORT_KINDS:
        raise SeminarError(f"kind must be one of {', '.join(EXPORT_KINDS)}, not {kind!r}")
    stem, required = EXPORT_KINDS[kind]
    paths = []
    given = [sources] if isinstance(sources, (str, Path)) else list(sources)
    for source in given:
        source = Path(source)
        paths += sorted(source.rglob(f"{stem}_*.csv")) if source.is_dir() else [source]
    paths = list(dict.fromkeys(paths))
    if not paths:
        raise SeminarError(f"no {stem}_*.csv file in {', '.join(str(s) for s in given)}")
    files, frames, seen = [], {}, {}
    for path in paths:
        if not path.is_file():
            raise SeminarError(f"{path}: no such file")
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        frame = _read_export(path, required)
        pair = frame["pair"].iloc[0] if len(frame) else ""
        record = {"file": path.name, "pair": pair, "saved_at": frame["saved_at"].max() if len(frame) else "",
                  "rows": len(frame), "status": "used"}
        if digest in seen:
            record["status"] = f"same content as {seen[digest]}"
        else:
            seen[digest] = path.name
            frames[path.name] = frame
        key = pair or f"unnamed-{digest[:6]}"
        if kind == "codes":
            key = (key, frame["coding_seed"].iloc[0] if len(frame) else "")
        record["key"] = key
        files.append(record)
    files = pd.DataFrame(files)
    used = files[files["status"] == "used"]
    latest = used.sort_values(["saved_at", "file"], kind="mergesort").groupby("key", sort=False).tail(1)
    for i in used.index.difference(latest.index):
        newest = latest.loc[latest["key"] == files.at[i, "key"], "file"].iloc[0]
        files.at[i, "status"] = f"older than {newest} (same pair)"
    quarantine, tables = [], []
    for name in files.loc[files["status"] == "used", "file"]:
        frame = frames[name]
        problems = _problems(frame, kind, name)
        quarantine += problems
        good = frame[~frame["_row"].isin([p["row"] for p in problems])]
        key = files.loc[files["file"] == name, "key"].iloc[0]
        label = key[0] if isinstance(key, tuple) else key
        if kind == "codes":
            human = good["coder"] != "index"
            good = good.assign(coder=good["coder"].where(~human, label + "/" + good["coder"]))
        tables.append(good.assign(file=name, pair=label))
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["file", "pair", *required])
    if kind == "codes" and len(table):
        # the index codes each post the same on every laptop: one row per post is its code; a
        # different code for the same post means the files come from different data
        index = table[table["coder"] == "index"]
        clash = index.groupby("post_id")["tone"].transform("nunique") > 1
        for _, rec in index[clash].iterrows():
            quarantine.append({"file": rec["file"], "row": int(rec["_row"]), "column": "tone",
                               "reason": "the index codes this post differently in another file: different data?"})
        table = table.drop(index.index[clash])
        table = table[~((table["coder"] == "index") & table.duplicated(["post_id", "coder"]))]
        for col in ("post_id", "coder", "tone"):
            table[col] = table[col].astype("string")
    quarantine = pd.DataFrame(quarantine, columns=["file", "row", "column", "reason"])
    table = table.drop(columns="_row", errors="ignore").reset_index(drop=True)
    return Collected(table, files.drop(columns="key"), quarantine)


def shown_path(path) -> str:
    """``path`` as a notebook prints it: relative to the project folder when inside it, else as given.

    >>> from kommunsocial import config
    >>> shown_path(config.project_root() / "reports" / "x.csv")
    'reports/x.csv'
    """
    from .. import config

    path = Path(path)
    try:
        return path.resolve().relative_to(config.project_root().resolve()).as_posix()
    except ValueError:
        return str(path)
