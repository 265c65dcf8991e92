"""The X accounts that are pages, as the user names them: the ``account`` option (``kommunsocial
ingest --account``, ``make ACCOUNTS=``) and the X rows of a ``pages.csv``.

Which accounts are pages decides what an X collection yields (see :mod:`.x_v2`); these helpers
let :func:`kommunsocial.load` gather the names before the X files are read, refuse a name that no
X file knows, and give a ``pages.csv`` row that names its account by handle the user id.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..errors import LoadError
from . import read_file
from .generic_csv import HANDLE_ID

__all__ = ["TWEET_FORMATS", "read_pages_tables", "check_accounts", "name_handle_pages"]


#: The formats of X collections, whose pages are named by the ``account`` option.
TWEET_FORMATS = ("x_v2", "twarc2")


def read_pages_tables(files, reader_options) -> dict:
    """The user's ``pages.csv`` files among ``files`` (``(path, name)`` pairs that need no mapping),
    read before the exports: their X rows name the accounts that are pages (``page_id`` the user
    id, or ``handle``), added to the ``account`` option of the X readers. Returns file name → what
    was read, for the main loop to use again."""
    early, accounts = {}, []
    for path, name in files:
        if path.name.lower() != "pages.csv":
            continue
        parsed = read_file(path, name=name)
        early[name] = parsed
        pages = parsed.pages
        if len(pages) and "platform" in pages:
            x = pages[pages["platform"].astype("string").eq("x").fillna(False)]
            named = x["handle"].astype("string") if "handle" in x else pd.Series(pd.NA, index=x.index, dtype="string")
            accounts += named.fillna(x["page_id"].astype("string")).dropna().tolist()
    if accounts:
        given = reader_options.get("account") or []
        given = [given] if isinstance(given, str) else list(given)
        reader_options["account"] = given + [a for a in accounts if a not in given]
    return early


def check_accounts(parts, inputs, reader_options):
    """An account named (``account`` option, ``ACCOUNTS``, ``pages.csv``) that no X file of the load
    knows is a typo or the wrong folder: an error naming it, not a dataset without that page."""
    tweets = [(p, i["file"]) for p, i in zip(parts, inputs) if p.info.get("format") in TWEET_FORMATS]
    if not tweets or not reader_options.get("account"):
        return
    unknown = set.intersection(*(set(p.info.get("accounts_not_found", [])) for p, _ in tweets))
    if unknown:
        shown = ", ".join(sorted(unknown))
        raise LoadError(", ".join(name for _, name in tweets),
                        f"the account(s) {shown} named as pages occur in no X file of this load (no tweet or "
                        f"user with that handle); check the spelling, or give the numeric user id")


def name_handle_pages(tables, parts):
    """The X rows of the user's pages tables that name their account by handle alone
    (``page_id`` ``@handle``) get the user id the tweets give."""
    ids = {}
    for p in parts:
        ids.update({a.casefold(): uid for a, uid in (p.info.get("accounts_found") or {}).items()})
    for parsed in tables:
        pages = parsed.pages
        if not len(pages) or "page_id" not in pages:
            continue
        named = pages["page_id"].astype("string").str.startswith(HANDLE_ID).fillna(False)
        if not named.any():
            continue
        handles = pages.loc[named, "page_id"].astype("string").str[len(HANDLE_ID):]
        pages.loc[named, "page_id"] = handles.str.casefold().map(ids).astype("string")
        lost = named & pages["page_id"].isna()
        for pos in np.flatnonzero(lost.to_numpy()):  # no X file in the load: nothing gives the id
            row = pages.iloc[pos]
            parsed.quarantine.append({
                "source_file": row["source_file"], "source_row": int(row["source_row"]),
                "source_format": row["source_format"], "table": "pages", "column": "handle",
                "reason": f"the X account @{handles.loc[pages.index[pos]]} names no user id and no X file of "
                          f"this load holds its tweets", "record": json.dumps({"handle": str(row["handle"])})})
        parsed.pages = pages[~lost].reset_index(drop=True)
