"""A catalogue of bad input: each kind built in code as a tiny raw file, with its expected outcome.

Every bad input ends in one of three ways, never a traceback and never a silent skip: the data is
loaded (repaired where the repair is exact), the record is quarantined with a reason in a column,
or the load stops with a :class:`~kommunsocial.errors.KommunsocialError` whose message names the
file (and the row and column where there is one).

``python -m tests.formats.test_bad_inputs`` prints the catalogue as a Markdown table (input → outcome).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.errors import KommunsocialError

SALT = "kommunsocial-test-salt"
DATA = Path(__file__).parents[1] / "data"

# -- tiny raw files ----------------------------------------------------------------------------
HEAD = "post_id,page_id,page_name,created_at,text,n_likes,n_comments\r\n"
GOOD = "1,9,Sjöviks kommun,2024-03-11 12:00,Hej alla,5,2\r\n"


def posts_csv(*rows: str, head: str = HEAD) -> bytes:
    """Our own CSV layout: one good post, then ``rows``."""
    return (head + GOOD + "".join(r + "\r\n" for r in rows)).encode("utf-8")


def post_row(**kw) -> str:
    values = {"post_id": "2", "page_id": "9", "page_name": "Sjöviks kommun", "created_at": "2024-03-12 12:00",
              "text": "Vi bygger", "n_likes": "3", "n_comments": "1", **kw}
    return ",".join(values[c] for c in HEAD.strip().split(","))


COMMENTS_HEAD = "comment_id,post_id,parent_id,created_at,text,author_name\r\n"


def comments_csv(*rows: str) -> bytes:
    return (COMMENTS_HEAD + "".join(r + "\r\n" for r in rows)).encode("utf-8")


def graph_post(**kw) -> dict:
    return {"id": "100_200", "message": "Hej", "created_time": "2024-03-11T12:15:02+0000",
            "from": {"id": "100", "name": "Sjöviks kommun"}, "shares": {"count": "3"}, **kw}


def graph(*records, raw: str | None = None) -> bytes:
    """A Graph API /posts response: one good post, then ``records`` (or ``raw`` JSON text of one)."""
    good = json.dumps(graph_post(), ensure_ascii=True)
    more = [json.dumps(r, ensure_ascii=True) for r in records] + ([raw] if raw else [])
    return ('{"data": [' + ", ".join([good, *more]) + "]}").encode("ascii")


def x_doc(**kw) -> bytes:
    tweet = {"id": "1767177587127238658", "text": "Hej", "created_at": "2024-03-11T13:15:44.000Z", "author_id": "15",
             "public_metrics": {"like_count": 3, "retweet_count": 1, "reply_count": 0, "quote_count": 0}, **kw}
    return json.dumps({"data": [tweet], "includes": {"users": [{"id": "15", "username": "sjovik",
                                                                "name": "Sjöviks kommun"}]}}).encode("ascii")


CT = (DATA / "crowdtangle" / "ct_pre2020.csv").read_text(encoding="utf-8")


# -- expected outcomes -------------------------------------------------------------------------
@dataclass
class Case:
    """One kind of bad input: files to write (name → bytes, or ``None`` for a dangling link),
    and what must come of loading the folder (or the file, when there is one)."""

    what: str
    files: dict
    outcome: str  # loaded | quarantined | error
    reason: str = ""  # a part of the quarantine reason or the error message
    column: str | None = None  # the quarantined column, or the column the error names
    row: int | None = None  # the quarantined or failing row
    posts: int | None = None  # posts loaded
    check: object = None  # more assertions on the dataset
    extra: dict = field(default_factory=dict)  # "folder": load the folder even for one file; "mapping"


def value(table, column, expected):
    def check(ds):
        assert getattr(ds, table)[column].tolist() == expected
    return check


def skipped(name, part):
    def check(ds):
        assert {"file": name, "reason": ds.manifest["skipped_files"][0]["reason"]} in ds.manifest["skipped_files"]
        assert part in ds.manifest["skipped_files"][0]["reason"]
        assert name in ks.report.quality.skipped_files(ds)["file"].tolist()
    return check


TOMORROW_PLUS = (pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
BOMB = b"PK\x03\x04" + bytes(range(256)) * 4

CASES = [
    # -- encodings and line breaks
    Case("plain UTF-8 (the baseline)", {"p.csv": posts_csv()}, "loaded", posts=1),
    Case("UTF-8 with BOM", {"p.csv": b"\xef\xbb\xbf" + posts_csv()}, "loaded", posts=1,
         check=value("posts", "text", ["Hej alla"])),
    Case("UTF-16 with BOM", {"p.csv": posts_csv().decode().encode("utf-16")}, "loaded", posts=1),
    Case("UTF-16 LE without BOM", {"p.csv": posts_csv().decode().encode("utf-16-le")}, "loaded", posts=1),
    Case("UTF-16 BE without BOM", {"p.csv": posts_csv().decode().encode("utf-16-be")}, "loaded", posts=1),
    Case("UTF-16 without BOM, odd byte count", {"p.csv": posts_csv().decode().encode("utf-16-le") + b"A"},
         "error", reason="UTF-16 without a byte-order mark"),
    Case("stray FF FE before UTF-8", {"p.csv": b"\xff\xfe" + posts_csv(post_row(text="Gör"))}, "loaded", posts=2,
         check=value("posts", "text", ["Hej alla", "Gör"])),
    Case("UTF-8 BOM before a cp1252 body", {"p.csv": b"\xef\xbb\xbf" + posts_csv(post_row(text="Snöröjning"))
                                           .decode().encode("cp1252")}, "loaded", posts=2,
         check=value("posts", "text", ["Hej alla", "Snöröjning"])),
    Case("CrowdTangle: UTF-8 BOM before a cp1252 body", {"ct.csv": b"\xef\xbb\xbf" + CT.encode("cp1252")},
         "loaded", posts=1, check=value("pages", "page_name", ["Älvby kommun"])),
    Case("cp1252 without BOM", {"p.csv": posts_csv(post_row(text="Snöröjning")).decode().encode("cp1252")},
         "loaded", posts=2),
    Case("CR-only line breaks", {"p.csv": posts_csv(post_row()).replace(b"\r\n", b"\r")}, "loaded", posts=2),
    Case("LF line breaks", {"p.csv": posts_csv(post_row()).replace(b"\r\n", b"\n")}, "loaded", posts=2),
    Case("NUL byte in a field", {"p.csv": posts_csv(post_row(text="Vi\x00bygger"))}, "error",
         reason="NUL byte in row 2", row=2),
    Case("binary file", {"p.csv": bytes(range(256)) * 8}, "error", reason="binary"),
    Case("empty file", {"p.csv": b""}, "error", reason="empty"),
    Case("only white space", {"p.csv": b" \r\n\t\n"}, "error", reason="empty"),
    Case("HTML error page", {"p.json": b"<!DOCTYPE html><html><body>Rate limit</body></html>"}, "error",
         reason="HTML"),
    Case("zip saved as .csv", {"p.csv": BOMB}, "error", reason="zip"),
    # -- CSV structure
    Case("header but no rows", {"p.csv": HEAD.encode()}, "error", reason="no data rows", row=1),
    Case("wrong delimiter (|)", {"p.csv": posts_csv().replace(b",", b"|")}, "error",
         reason="is split by '|': kommunsocial reads CSV split by commas, semicolons or tabs", row=0),
    Case("ragged row: too few fields", {"p.csv": posts_csv("2,9,Sjöviks kommun")}, "quarantined",
         reason="expected 7 fields, found 3", row=2, column="created_at"),
    Case("ragged row: too many fields", {"p.csv": posts_csv(post_row() + ",x,y")}, "quarantined",
         reason="expected 7 fields, found 9", row=2, column="n_comments"),
    Case("unclosed quote at the end", {"p.csv": posts_csv()[:-2] + b',"open'}, "error", reason="quoted field"),
    Case("duplicate column names", {"p.csv": posts_csv(head=HEAD.replace("n_comments", "n_likes"))}, "error",
         reason="repeats the column name 'n_likes'", column="n_likes", row=0),
    Case("missing required column", {"p.csv": "post_id,page_id,page_name,text\r\n1,9,S,Hej\r\n".encode()}, "error",
         reason="required column 'created_at' is missing", column="created_at",
         extra={"mapping": {"table": "posts", "columns": {"post_id": "post_id", "page_id": "page_id"}}}),
    # -- counts
    Case("negative count", {"p.csv": posts_csv(post_row(n_likes="-3"))}, "quarantined", column="n_likes",
         reason="negative count -3", row=2),
    Case("count that is a word", {"p.csv": posts_csv(post_row(n_likes="many"))}, "quarantined", column="n_likes",
         reason="not a whole number: 'many'", row=2),
    Case("decimal count", {"p.csv": posts_csv(post_row(n_likes="2.5"))}, "quarantined", column="n_likes",
         reason="not a whole number", row=2),
    Case("full-width digits １２", {"p.csv": posts_csv(post_row(n_likes="１２"))}, "loaded", posts=2,
         check=value("posts", "n_likes", [5, 12])),
    Case("Arabic-Indic digits ١٢", {"p.csv": posts_csv(post_row(n_likes="١٢"))}, "loaded", posts=2,
         check=value("posts", "n_likes", [5, 12])),
    Case("thousands separator", {"p.csv": posts_csv(post_row(n_likes='"1,433"'))}, "loaded", posts=2,
         check=value("posts", "n_likes", [5, 1433])),
    Case("implausibly large count", {"p.csv": posts_csv(post_row(n_likes="1" + "0" * 20))}, "quarantined",
         column="n_likes", reason="implausibly large count", row=2),
    Case("NaN count in a CSV", {"p.csv": posts_csv(post_row(n_likes="NaN"))}, "quarantined", column="n_likes",
         reason="not a finite number: 'NaN'", row=2),
    Case("Infinity count in a CSV", {"p.csv": posts_csv(post_row(n_likes="inf"))}, "quarantined",
         column="n_likes", reason="not a finite number: 'inf'", row=2),
    Case("Graph: NaN count", {"g.json": graph(raw='{"id": "100_201", "created_time": "2024-03-11T12:15:02+0000", '
                                                   '"shares": {"count": NaN}}')},
         "quarantined", column="n_shares", reason="not a finite number: 'NaN'", row=2),
    Case("Graph: Infinity count", {"g.json": graph(raw='{"id": "100_201", "created_time": "2024-03-11T12:15:02'
                                                        '+0000", "shares": {"count": Infinity}}')},
         "quarantined", column="n_shares", reason="not a finite number: 'Infinity'", row=2),
    Case("Graph: Arabic-Indic digits in a count", {"g.json": graph(graph_post(id="100_201",
                                                                              shares={"count": "١٢"}))},
         "loaded", posts=2, check=value("posts", "n_shares", [3, 12])),
    Case("X: full-width digits in a count", {"x.json": x_doc(public_metrics={"like_count": "１２"})}, "loaded",
         posts=1, check=value("posts", "n_likes", [12])),
    # -- dates
    Case("not a date", {"p.csv": posts_csv(post_row(created_at="yesterday"))}, "quarantined",
         column="created_at", reason="not a date and time: 'yesterday'", row=2),
    Case("date in year 1", {"p.csv": posts_csv(post_row(created_at="0001-03-11 12:00"))}, "quarantined",
         column="created_at", reason="implausible date: 0001-03-11", row=2),
    Case("date in 1600", {"p.csv": posts_csv(post_row(created_at="1600-03-11 12:00"))}, "quarantined",
         column="created_at", reason="is before 2004-01-01", row=2),
    Case("date in 9999", {"p.csv": posts_csv(post_row(created_at="9999-03-11 12:00"))}, "quarantined",
         column="created_at", reason="is after the time of loading", row=2),
    Case("date just before 2004", {"p.csv": posts_csv(post_row(created_at="2003-12-31 23:00"))}, "quarantined",
         column="created_at", reason="is before 2004-01-01", row=2),
    Case("date three days ahead", {"p.csv": posts_csv(post_row(created_at=TOMORROW_PLUS))}, "quarantined",
         column="created_at", reason="is after the time of loading", row=2),
    Case("date missing", {"p.csv": posts_csv(post_row(created_at=""))}, "quarantined", column="created_at",
         reason="required value is missing", row=2),
    Case("Unix epoch seconds", {"p.csv": posts_csv(post_row(created_at="1710159302"))}, "loaded", posts=2,
         check=lambda ds: ds.posts["created_at"].iloc[1] == pd.Timestamp("2024-03-11 12:15:02", tz="UTC")),
    Case("X: date in year 1", {"x.json": x_doc(created_at="0001-01-01T00:00:00.000Z")}, "error",
         reason="implausible date", column="created_at", row=1),
    # -- ids
    Case("float post id 1.5e+15", {"p.csv": posts_csv(post_row(post_id="1.5e+15"))}, "quarantined",
         column="post_id", reason="floating-point number: '1.5e+15'", row=2),
    Case("float post id 123.0", {"p.csv": posts_csv(post_row(post_id="123.0"))}, "quarantined", column="post_id",
         reason="a spreadsheet or script read the ids as numbers", row=2),
    Case("Graph: id a JSON float", {"g.json": graph(raw='{"id": 1.5e15, "created_time": "2024-03-11T12:15:02+0000"}')},
         "quarantined", column="post_id", reason="floating-point number", row=2),
    Case("post id missing", {"p.csv": posts_csv(post_row(post_id=""))}, "quarantined", column="post_id",
         reason="required value is missing", row=2),
    Case("id repeated with different content", {"p.csv": posts_csv(post_row(post_id="1"))}, "quarantined",
         column="post_id", reason="duplicate id with different content", row=2),
    Case("id repeated with the same content", {"p.csv": posts_csv(GOOD.strip())}, "loaded", posts=1,
         check=lambda ds: ds.manifest["duplicates_dropped"]["posts"] == 1),
    # -- comments
    Case("orphan comment", {"p.csv": posts_csv(), "c.csv": comments_csv("c1,1,,2024-03-11 13:00,Tack,Anna",
                                                                          "c2,77,,2024-03-11 13:00,Va?,Bo")},
         "quarantined", column="post_id", reason="comment's post is not in the dataset", row=2),
    Case("a comments file alone", {"c.csv": comments_csv("c1,1,,2024-03-11 13:00,Tack,Anna")}, "error",
         reason="nothing could be loaded: all 1 records were quarantined"),
    Case("comment replying to itself", {"p.csv": posts_csv(), "c.csv": comments_csv(
        "c1,1,,2024-03-11 13:00,Tack,Anna", "c2,1,c2,2024-03-11 13:05,Jag,Bo")},
        "quarantined", column="parent_id", reason="reply cycle", row=2),
    Case("reply cycle A→B→A", {"p.csv": posts_csv(), "c.csv": comments_csv(
        "c0,1,,2024-03-11 13:00,Tack,Anna", "c1,1,c2,2024-03-11 13:00,A,Anna", "c2,1,c1,2024-03-11 13:05,B,Bo")},
        "quarantined", column="parent_id", reason="reply cycle", row=2,
        check=lambda ds: (sorted(ds.quarantine["source_row"]) == [2, 3]
                          and ds.comments["comment_id"].tolist() == ["c0"])),
    Case("reply to a missing parent", {"p.csv": posts_csv(), "c.csv": comments_csv(
        "c1,1,c9,2024-03-11 13:00,Tack,Anna")}, "loaded", posts=1,
        check=lambda ds: ds.manifest["replies_with_missing_parent"] == 1),
    # -- pages
    Case("pages.csv: a page twice, different values", {"p.csv": posts_csv(), "pages.csv": (
        "page_id,page_name,municipality_code,country\r\n9,Sjöviks kommun,0180,SE\r\n9,Sjöviks kommun,0181,SE\r\n")
        .encode()}, "quarantined", column="municipality_code", reason="page listed twice with different values",
        row=2, check=value("pages", "municipality_code", ["0180"])),
    Case("pages.csv: a page twice, once without its code", {"p.csv": posts_csv(), "pages.csv": (
        "page_id,page_name,municipality_code,country\r\n9,Sjöviks kommun,,SE\r\n9,Sjöviks kommun,0180,SE\r\n")
        .encode()}, "quarantined", column="municipality_code", reason="municipality_code <NA> there, '0180' here",
        row=2),
    Case("pages.csv: a page twice, same values", {"p.csv": posts_csv(), "pages.csv": (
        "page_id,page_name,municipality_code,country\r\n9,Sjöviks kommun,0180,SE\r\n9,Sjöviks kommun,0180,SE\r\n")
        .encode()}, "loaded", posts=1, check=value("pages", "municipality_code", ["0180"])),
    # -- JSON
    Case("Graph: lone surrogate in a message", {"g.json": graph(graph_post(id="100_201", message="a\ud800b"))},
         "loaded", posts=2, check=value("posts", "text", ["Hej", "a\ufffdb"])),
    Case("Graph JSONL: lone surrogate", {"g.jsonl": (json.dumps({"data": [graph_post()]}) + "\n" + json.dumps(
        {"data": [graph_post(id="100_201", message="\udc00x")]}) + "\n").encode()}, "loaded", posts=2,
        check=value("posts", "text", ["Hej", "\ufffdx"])),
    Case("X: lone surrogate in a tweet", {"x.json": x_doc(text="a\ud800b")}, "loaded", posts=1,
         check=value("posts", "text", ["a\ufffdb"])),
    Case("X: lone surrogate in a user name", {"x.json": x_doc().replace(b"Sj\\u00f6viks", b"\\udbff")}, "loaded",
         posts=1),
    Case("JSON nested 5000 deep", {"g.json": b'{"data": ' + b"[" * 5000 + b"]" * 5000 + b"}"}, "error",
         reason="JSON nested deeper than"),
    Case("truncated JSON", {"g.json": graph()[:-10]}, "error", reason="truncated"),
    Case("JSON Lines holding 42", {"g.jsonl": (json.dumps({"data": [graph_post()]}) + "\n42\n").encode()}, "error",
         reason="line 2 holds a JSON number, not an object", row=2),
    Case("X JSON Lines holding 42", {"x.jsonl": x_doc() + b"\n42\n"}, "quarantined",
         reason="not a tweet or an API response page", row=2, posts=1),
    Case("Graph API error object", {"g.json": b'{"error": {"message": "Invalid OAuth access token.", "type": '
                                               b'"OAuthException", "code": 190, "fbtrace_id": "A1"}}'},
         "error", reason="Graph API error"),
    Case("a JSON string, not an export", {"g.json": b'"hello"'}, "error", reason="not a format kommunsocial knows"),
    Case("Graph: message that is an object", {"g.json": graph(graph_post(id="100_201", message={"a": 1}))},
         "quarantined", column="text", reason="should be text", row=2),
    Case("Graph: empty data list", {"g.json": b'{"data": [], "paging": {"next": "https://graph.facebook.com/v19.0/'
                                               b'100/posts?after=x"}}'}, "error", reason="no posts or comments"),
    # -- the raw folder
    Case(".zip beside the data", {"p.csv": posts_csv(), "more.zip": BOMB}, "loaded", posts=1,
         check=skipped("more.zip", "unzip")),
    Case(".xls beside the data", {"p.csv": posts_csv(), "old.xls": b"\xd0\xcf\x11\xe0"}, "loaded", posts=1,
         check=skipped("old.xls", ".xlsx")),
    Case(".json.gz beside the data", {"p.csv": posts_csv(), "g.json.gz": b"\x1f\x8b\x08"}, "loaded", posts=1,
         check=skipped("g.json.gz", "decompress")),
    Case("dangling symbolic link", {"p.csv": posts_csv(), "gone.csv": None}, "loaded", posts=1,
         check=skipped("gone.csv", "does not exist")),
    Case("hidden and README files stay unlisted", {"p.csv": posts_csv(), ".DS_Store": b"\x00\x01",
                                                   "README.md": b"# notes"}, "loaded", posts=1,
         check=lambda ds: ds.manifest["skipped_files"] == []),
    Case("only a zip in the folder", {"more.zip": BOMB}, "error", reason="no export files found",
         extra={"folder": True}),
]


# -- running a case ----------------------------------------------------------------------------
def run(case: Case, folder: Path):
    """``("loaded", dataset)``, ``("error", exception)``; any other exception propagates."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in case.files.items():
        if data is None:
            os.symlink(folder / "nowhere" / name, folder / name)
        else:
            (folder / name).write_bytes(data)
    one = len(case.files) == 1 and not case.extra.get("folder")
    target = folder / next(iter(case.files)) if one else folder
    try:
        return "loaded", ks.load(target, salt=SALT, progress=False, mapping=case.extra.get("mapping"))
    except KommunsocialError as exc:
        return "error", exc


def describe(kind, result) -> str:
    if kind == "error":
        return f"error: {result}"
    q = result.quarantine
    if len(q):
        first = q.iloc[0]
        return (f"quarantined {len(q)}: row {first['source_row']}, column {first['column']}: {first['reason']}; "
                f"{len(result.posts)} posts loaded")
    skipped = result.manifest.get("skipped_files") or []
    return (f"loaded: {len(result.posts)} posts, {len(result.comments)} comments"
            + (f"; skipped {', '.join(s['file'] for s in skipped)}" if skipped else ""))


def test_catalogue_is_large():
    assert len(CASES) >= 60
    assert len({c.what for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.what for c in CASES])
def test_bad_input(case, tmp_path):
    kind, result = run(case, tmp_path / "raw")
    assert kind == ("error" if case.outcome == "error" else "loaded"), describe(kind, result)
    if kind == "error":
        message = str(result)
        assert case.reason in message
        assert any(name in message for name in case.files) or "raw" in message  # names the file (or folder)
        if case.column is not None:
            assert f"column {case.column!r}" in message
        if case.row is not None:
            assert f"row {case.row}" in message
        return
    ds = result
    if case.outcome == "quarantined":
        q = ds.quarantine
        hit = q[q["reason"].str.contains(case.reason, regex=False)]
        assert len(hit), q[["column", "reason"]].to_dict("records")
        first = hit.iloc[0]
        assert first["source_file"] in case.files
        if case.column is not None:
            assert first["column"] == case.column
        if case.row is not None:
            assert first["source_row"] == case.row
        # nothing lost: every record read is loaded, quarantined or a counted duplicate
        counted = ds.manifest["inputs"]
        read = sum(i["posts"] + i["comments"] + i["quarantined"] for i in counted)
        dropped = sum(ds.manifest["duplicates_dropped"].values()) + sum(ds.manifest["merged_across_formats"].values())
        assert read - dropped == len(ds.posts) + len(ds.comments) + len(q) - _pages_quarantined(ds)
    else:
        assert not len(ds.quarantine), ds.quarantine[["column", "reason"]].to_dict("records")
    if case.posts is not None:
        assert len(ds.posts) == case.posts
    if case.check is not None:
        assert case.check(ds) is not False


def _pages_quarantined(ds) -> int:
    return int(ds.quarantine["table"].eq("pages").sum())


def test_command_line_exits_1_naming_the_file_when_nothing_loads(tmp_path, capsys, monkeypatch):
    from kommunsocial.cli import main

    monkeypatch.setenv("KOMMUNSOCIAL_SALT", SALT)

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "c.csv").write_bytes(comments_csv("c1,1,,2024-03-11 13:00,Tack,Anna"))
    assert main(["ingest", str(raw), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kommunsocial: error: c.csv: nothing could be loaded: all 1 records were quarantined; "
                          "the most common reasons: comment's post is not in the dataset (1)")
    assert err.rstrip().endswith("Comments are kept only with their posts: add the export of the posts they answer "
                                 "(e.g. the page's /posts response, or the CrowdTangle or Facepager file) to the same "
                                 "folder")
    assert not (tmp_path / "out").exists()


def test_command_line_lists_the_files_it_did_not_read(tmp_path, capsys, monkeypatch):
    from kommunsocial.cli import main

    monkeypatch.setenv("KOMMUNSOCIAL_SALT", SALT)

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "p.csv").write_bytes(posts_csv())
    (raw / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert main(["ingest", str(raw), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "  not read: old.xls (an old Excel workbook (.xls): save it as .xlsx or CSV)" in out
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped_files"] == [{"file": "old.xls",
                                          "reason": "an old Excel workbook (.xls): save it as .xlsx or CSV"}]


def markdown() -> str:
    """The catalogue as a Markdown table: each input and what became of it."""
    import tempfile

    lines = ["| # | bad input | outcome |", "|---|---|---|"]
    for i, case in enumerate(CASES, 1):
        with tempfile.TemporaryDirectory() as tmp:
            shown = describe(*run(case, Path(tmp) / "raw")).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {i} | {case.what} | {shown[:160]} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
