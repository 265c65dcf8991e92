"""The shared checks of bad input (``kommunsocial/io/_checks.py``) and the load's reply-cycle and
page-conflict checks, on values worked out by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kommunsocial.ingest import _quarantine_page_conflicts, _quarantine_reply_cycles
from kommunsocial.io._checks import (float_id_errors, implausible_time_errors, repair_surrogates,
                                     to_ascii_digits)
from kommunsocial.io._decode import decode_text


@pytest.mark.parametrize("raw, repaired", [
    (r'"a\ud800b"', r'"a\ufffdb"'),  # a high half alone
    (r'"\udc00"', r'"\ufffd"'),  # a low half alone
    (r'"\ud83d\ude00"', r'"\ud83d\ude00"'),  # a pair (😀) stays
    (r'"\uD83D\uDE00"', r'"\uD83D\uDE00"'),  # in capitals too
    (r'"\ude00\ud83d"', r'"\ufffd\ufffd"'),  # a pair the wrong way round: two halves alone
    (r'"\\ud800"', r'"\\ud800"'),  # an escaped backslash, then the text "ud800"
    (r'"\\\ud800"', r'"\\\ufffd"'),  # an escaped backslash, then a half alone
    (r'"\ud83d\ud83d\ude00"', r'"\ufffd\ud83d\ude00"'),  # a half alone before a pair
])
def test_lone_surrogates_are_repaired_and_pairs_kept(raw, repaired):
    assert repair_surrogates(raw) == repaired
    assert repair_surrogates(raw.encode("ascii")) == repaired.encode("ascii")
    assert len(repair_surrogates(raw)) == len(raw)  # positions in the text stay valid
    json.loads(repaired).encode("utf-8")  # what is left can be written


def test_digits_of_other_scripts():
    assert [to_ascii_digits(t) for t in ["１２", "١٢", "۱۲", "१२", "12", "1 433", "x٣"]] == \
        ["12", "12", "12", "12", "12", "1 433", "x3"]


def test_float_ids():
    errors = float_id_errors(pd.Series(["123", "123.0", "1.5e+15", "100_1.5e15", "1E5", "dyi:x:1.5", "abc.def",
                                        None, "100064512345678_812345678901234"], dtype="string"))
    assert errors.notna().tolist() == [False, True, True, True, True, False, False, False, False]
    assert errors[1].startswith("id written as a floating-point number: '123.0' (a spreadsheet")


def test_implausible_times_against_a_fixed_now():
    now = pd.Timestamp("2025-06-01 12:00", tz="UTC")
    times = pd.Series(pd.to_datetime(["2003-12-31 23:59:59", "2004-01-01 00:00:00", "2025-06-02 11:59:00",
                                      "2025-06-02 12:01:00", None], utc=True), index=[10, 11, 12, 13, 14])
    errors = implausible_time_errors(times, now=now)
    assert errors.index.tolist() == [10, 11, 12, 13, 14]
    assert errors.isna().tolist() == [False, True, True, False, True]  # one day of slack, inclusive
    assert errors[10] == ("implausible date: 2003-12-31T23:59:59+00:00 is before 2004-01-01, earlier than any "
                          "platform kommunsocial reads")
    assert errors[13] == ("implausible date: 2025-06-02T12:01:00+00:00 is after the time of loading "
                          "(2025-06-01 12:00 UTC)")


@pytest.mark.parametrize("data, text, encoding", [
    ("a,b\rc,d\r".encode(), "a,b\nc,d\n", "utf-8"),  # CR-only line breaks
    ("a,b\r\nc,d\r\n".encode(), "a,b\r\nc,d\r\n", "utf-8"),  # CRLF kept as it is
    (b"\xef\xbb\xbf" + "ö,ü\n".encode("cp1252"), "ö,ü\n", "cp1252 after a UTF-8 byte-order mark"),
    (b"\xff\xfe" + "ö,ü\n".encode(), "ö,ü\n", "utf-8"),  # a stray UTF-16 mark before UTF-8
    ("ab,cd\n".encode("utf-16-be"), "ab,cd\n", "utf-16-be"),
    ("ab,cd\n".encode("utf-16"), "ab,cd\n", "utf-16"),
])
def test_decoding(data, text, encoding):
    assert decode_text(data, "f.csv") == (text, encoding)


def _comments(pairs):
    return pd.DataFrame({"comment_id": [c for c, _ in pairs], "parent_id": [p for _, p in pairs],
                         "source_file": "c.csv", "source_row": range(1, len(pairs) + 1), "source_format": "csv"}
                        ).astype({"comment_id": "string", "parent_id": "string"})


def test_reply_cycles_quarantined_and_the_replies_hanging_from_them_kept():
    # a→b→c→a is a cycle; d replies to c (hangs from the cycle); e replies to itself; f→g top level;
    # h replies to a comment not in the table
    frame = _comments([("a", "b"), ("b", "c"), ("c", "a"), ("d", "c"), ("e", "e"), ("f", None), ("g", "f"),
                       ("h", "zz")])
    rows = []
    kept = _quarantine_reply_cycles(frame, rows)
    assert kept["comment_id"].tolist() == ["d", "f", "g", "h"]
    assert [(r["source_row"], r["column"]) for r in rows] == [(1, "parent_id"), (2, "parent_id"), (3, "parent_id"),
                                                              (5, "parent_id")]
    assert rows[3]["reason"] == "reply cycle: the chain of parents of comment e returns to it (parent_id e)"


def test_page_conflicts_name_both_rows():
    pages = pd.DataFrame({"page_id": ["9", "9", "9", "8"], "platform": "facebook",
                          "page_name": ["Sjövik", "Sjövik", "Sjövik", "Fjordvik"],
                          "municipality_code": ["0180", "0180", "0181", "0301"],
                          "source_file": "pages.csv", "source_row": [1, 2, 3, 4], "source_format": "csv",
                          "_priority": 0})
    rows = []
    kept = _quarantine_page_conflicts(pages, rows)
    assert kept["source_row"].tolist() == [1, 2, 4]  # the identical repeat stays, merged later
    assert [(r["source_row"], r["column"], r["reason"]) for r in rows] == [
        (3, "municipality_code", "page listed twice with different values (first in pages.csv row 1): "
                                 "municipality_code '0180' there, '0181' here")]
