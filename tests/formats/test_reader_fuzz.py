"""Property-based fuzz of every reader: records with hostile values never give a traceback.

Each test writes a small export of one format whose records hypothesis fills with hostile values
(lone surrogates, control characters, huge numbers, NaN, odd JSON types, missing keys, text that
looks like a formula or markup) and reads it with that format's reader. The outcome must be a
:class:`~kommunsocial.errors.KommunsocialError`, or every record accounted for: records in =
posts + comments loaded + records quarantined. Examples are drawn from the derandomised profile of
``tests/conftest.py`` (the same on every run), few enough per reader that the file runs in well
under a minute.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunsocial.errors import KommunsocialError
from kommunsocial.io import read_file
from kommunsocial.io._csv import sniff_delimiter

DATA = Path(__file__).parents[1] / "data"
#: examples per reader; set KOMMUNSOCIAL_FUZZ_EXAMPLES for a longer search (e.g. 500) before a release
EXAMPLES = int(os.environ.get("KOMMUNSOCIAL_FUZZ_EXAMPLES", "20"))

HOSTILE_TEXT = ["", " ", "\ud800", "a\udc00b", "\udbff\udfff", "\x00", "\x07\x1b[31m", "\u202eevil", "\ufeff",
                "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "NaN", "Infinity", "-1", "1e400", "9" * 40, "١٢",
                "１２", "1.5e+15", "123.0", "0001-01-01T00:00:00+0000", "9999-12-31T23:59:59+0000",
                "2024-02-30T00:00:00+0000", "null", "None", "\r\n", "\"", "'", ",", ";", "\t"]
VALUE = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=8),
    st.text(alphabet=st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010), max_size=3),  # surrogates
    st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(0, 9), max_size=2),
    st.dictionaries(st.sampled_from(["id", "count", "name", "data"]), st.integers(0, 9), max_size=2),
)
DELETE = object()
EDIT_VALUE = st.one_of(VALUE, st.just(DELETE))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

pytestmark = pytest.mark.slow  # property tests over many generated datasets


def outcome(path: Path, fmt: str):
    """``read_file``'s result, or None for a clean error; anything else propagates (the failure)."""
    try:
        return read_file(path, format=fmt)
    except KommunsocialError:
        return None


def accounted(parsed) -> int:
    """Records a reader accounts for: loaded, quarantined, or kept apart and counted (the X readers'
    retweets, others' quotes and other accounts' tweets; context copies are not records of the file)."""
    info = parsed.info or {}
    apart = sum(info.get(k, 0) for k in ("retweets", "quotes", "other_tweets")) - info.get("from_context", 0)
    return len(parsed.posts) + len(parsed.comments) + len(parsed.quarantine) + apart


def edit(record: dict, path: tuple, value):
    """Set (or, for ``DELETE``, remove) ``record[path[0]][path[1]]…``, making dicts on the way."""
    node = record
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    if value is DELETE:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


def write_json(path: Path, doc) -> Path:
    # NaN and Infinity are written as Python writes them; lone surrogates as \ud800 escapes
    path.write_text(json.dumps(doc, ensure_ascii=True, allow_nan=True), encoding="ascii")
    return path


# -- JSON formats --------------------------------------------------------------------------------
GRAPH = {"id": "100_200", "message": "Hej", "created_time": "2024-03-11T12:15:02+0000",
         "from": {"id": "100", "name": "Sjöviks kommun"}, "shares": {"count": 3},
         "status_type": "mobile_status_update",
         "permalink_url": "https://www.facebook.com/100/posts/200"}
GRAPH_PATHS = [("id",), ("message",), ("created_time",), ("from",), ("from", "id"), ("from", "name"),
               ("shares",), ("shares", "count"), ("status_type",), ("permalink_url",), ("reactions",),
               ("comments",)]
INSTAGRAM = {"id": "17887654329876543", "caption": "Snö", "media_type": "IMAGE",
             "timestamp": "2024-02-20T16:05:12+0000",
             "username": "sjovikskommun", "like_count": 12, "comments_count": 3,
             "permalink": "https://www.instagram.com/p/C3iPq7eNs1x/"}
INSTAGRAM_PATHS = [("id",), ("caption",), ("media_type",), ("timestamp",), ("username",), ("like_count",),
                   ("comments_count",), ("permalink",)]
TWEET = {"id": "1767177587127238658", "text": "Hej", "created_at": "2024-03-11T13:15:44.000Z", "author_id": "15",
         "conversation_id": "1767177587127238658",
         "public_metrics": {"like_count": 3, "retweet_count": 1, "reply_count": 0, "quote_count": 0}}
TWEET_PATHS = [("id",), ("text",), ("created_at",), ("author_id",), ("conversation_id",), ("public_metrics",),
               ("public_metrics", "like_count"), ("public_metrics", "retweet_count"), ("in_reply_to_user_id",),
               ("referenced_tweets",)]
EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 99), EDIT_VALUE), min_size=1, max_size=4)


def records(template: dict, paths, edits, ids: tuple) -> list:
    """Three copies of ``template`` with ids ``ids`` (distinct, so that each is its own record), edited."""
    out = []
    for i in range(3):
        r = copy.deepcopy(template)
        r["id"] = ids[i]
        out.append(r)
    for which, where, value in edits:
        edit(out[which], paths[where % len(paths)], value)
    return out


USERS = {"users": [{"id": "15", "username": "sjovik", "name": "Sjöviks kommun"}]}
JSON_FORMATS = {  # format: (record, paths to edit, three ids, the response around the records)
    "graph_api": (GRAPH, GRAPH_PATHS, ("100_200", "100_201", "100_202"), lambda recs: {"data": recs}),
    "instagram": (INSTAGRAM, INSTAGRAM_PATHS, ("17887654329876543", "17887654329876544", "17887654329876545"),
                  lambda recs: {"data": recs}),
    "x_v2": (TWEET, TWEET_PATHS, ("1767177587127238658", "1767177587127238659", "1767177587127238660"),
             lambda recs: {"data": recs, "includes": USERS}),
}


@pytest.mark.parametrize("fmt", list(JSON_FORMATS))
@FUZZ
@given(edits=EDITS)
def test_json_readers(tmp_path, fmt, edits):
    template, paths, ids, response = JSON_FORMATS[fmt]
    recs = records(template, paths, edits, ids)
    parsed = outcome(write_json(tmp_path / "response.json", response(recs)), fmt)
    if parsed is not None:
        assert accounted(parsed) == 3  # no edit makes a comment edge with records: one row each


DYI = {"timestamp": 1672560000, "data": [{"post": "Årets första kommunfullmäktige"}], "title": "Sjöviks kommun"}
DYI_PATHS = [("timestamp",), ("data",), ("title",), ("attachments",)]


@FUZZ
@given(edits=EDITS)
def test_dyi_reader(tmp_path, edits):
    recs = [copy.deepcopy(DYI) for _ in range(3)]
    for i, r in enumerate(recs):
        r["timestamp"] += i * 3600
    for which, where, value in edits:
        edit(recs[which], DYI_PATHS[where % len(DYI_PATHS)], value)
    folder = tmp_path / "your_facebook_activity" / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    parsed = outcome(write_json(folder / "your_posts_1.json", recs), "dyi")
    if parsed is not None:
        assert accounted(parsed) == 3


# -- CSV formats ---------------------------------------------------------------------------------
CSV_FILES = {
    "crowdtangle": DATA / "crowdtangle" / "ct_2024_41col.csv",
    "mcl": DATA / "mcl" / "posts.csv",
    "twarc2": DATA / "twarc2" / "tweets.csv",
    "facepager": DATA / "facepager" / "fp_all_nodes.csv",
}
OWN_CSV = ("post_id,page_id,page_name,created_at,text,post_type,n_reactions,n_comments,n_shares\r\n"
           "1,9,Sjöviks kommun,2024-03-11 08:15:02,Hej,photo,5,2,1\r\n"
           "2,9,Sjöviks kommun,2024-03-12 08:15:02,Hej då,status,7,0,0\r\n"
           "3,9,Sjöviks kommun,2024-03-13 08:15:02,Vi ses,link,1,1,1\r\n")
CELL_EDITS = st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99), VALUE), min_size=1, max_size=4)


def _csv_rows(text: str):
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0], rows[1:], delimiter


def _write_csv(path: Path, header, rows, delimiter) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    # a lone surrogate cannot be UTF-8: it is written as the bytes an encoder that lets it pass writes
    path.write_bytes(buf.getvalue().encode("utf-8", errors="surrogatepass"))
    return path


def _cell(value) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


@pytest.mark.parametrize("fmt", ["csv", *CSV_FILES])
@FUZZ
@given(edits=CELL_EDITS)
def test_csv_readers(tmp_path, fmt, edits):
    text = OWN_CSV if fmt == "csv" else CSV_FILES[fmt].read_text(encoding="utf-8-sig")
    header, rows, delimiter = _csv_rows(text)
    baseline = read_file(_write_csv(tmp_path / "base.csv", header, rows, delimiter), format=fmt)
    before = accounted(baseline)
    for r, c, value in edits:
        rows[r % len(rows)][c % len(header)] = _cell(value)
    parsed = outcome(_write_csv(tmp_path / "fuzzed.csv", header, rows, delimiter), fmt)
    if parsed is not None:
        if fmt in ("facepager", "twarc2"):
            # a row of these is not always a record (a Facepager seed or page node; a retweet's
            # context in twarc2), and an edit can change which it is: each edited row, at most one
            assert abs(accounted(parsed) - before) <= len({r % len(rows) for r, _, _ in edits})
        else:
            assert accounted(parsed) == before == len(rows)
