"""Facepager CSV reader: layouts, the node tree, reply threads, the page's own comments, bad input."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import detect, facepager, read_file

from ._helpers import assert_not_claimed

DATA = Path(__file__).parents[1] / "data" / "facepager"
CROWDTANGLE = Path(__file__).parents[1] / "data" / "crowdtangle"
ALVBY, NESVIK = "100071234567890", "100072345678901"
POST1, POST2 = f"{ALVBY}_900000000000001", f"{ALVBY}_900000000000002"
C = "900000000000001"


def utc(text):
    return pd.Timestamp(text, tz="UTC")


def read_rows(name):
    text = (DATA / name).read_text(encoding="utf-8-sig")
    delimiter = "," if name == "fp_wide.csv" else ";"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0], rows[1:]


def write_rows(path, header, rows):
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([header, *rows])
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")
    return path


# ---------------------------------------------------------------------------------------------
# detection
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["fp_all_nodes.csv", "fp_selected_nodes.csv", "fp_wide.csv", "fp_post_seeds.csv"])
def test_detects_every_layout(name):
    assert detect(DATA / name) == "facepager"


@pytest.mark.parametrize("head", [
    b"Page Name,User Name,Facebook Id,Post Created,Type,Likes,URL\n",
    b"activities,content_type,creation_time,id,is_branded_content,post_owner.id,text\n",
    b"id,conversation_id,author_id,created_at,text,lang\n",
    b"comment_id,post_id,parent_id,created_at,text\n",
    b'{"data": [{"id": "1_2", "parent": {"id": "1_3"}}]}',
    b"<html><body>502 Bad Gateway</body></html>",
])
def test_does_not_claim_other_formats(head):
    assert not facepager.sniff(head, "x.csv")


def test_crowdtangle_files_are_not_facepager():
    assert_not_claimed(facepager.sniff, CROWDTANGLE.glob("*.csv"))


# ---------------------------------------------------------------------------------------------
# "All nodes", filter=stream with a parent.id column
# ---------------------------------------------------------------------------------------------
def test_all_nodes_posts():
    parsed = read_file(DATA / "fp_all_nodes.csv")
    assert parsed.info["layout"] == "All nodes"
    assert parsed.info["delimiter"] == ";" and parsed.info["encoding"] == "utf-8"
    assert parsed.info["query_errors"] == {"Facebook:/<post-id>/comments": 1}  # the failed query is reported
    # 11 rows: 7 data nodes read, the seed and 3 offcuts (paging) skipped and counted
    assert parsed.info["data_rows"] == 7 and parsed.info["rows_skipped"] == {"offcut": 3, "seed": 1}
    posts = parsed.posts.set_index("post_id")
    assert list(posts.index) == [POST1, POST2]
    p1 = posts.loc[POST1]
    assert p1["page_id"] == ALVBY
    # created_time is UTC; query_time (the collecting PC's local clock, 2024-04-02) is not used
    assert p1["created_at"] == utc("2024-03-31 22:30:00")
    assert p1["text"] == "Påskfirande i parken! Välkomna alla 🐣"
    assert (p1["n_reactions"], p1["n_likes"], p1["n_love"], p1["n_comments"], p1["n_shares"]) == (158, 120, 30, 14, 7)
    assert p1["post_type"] == "photo"  # status_type added_photos
    assert p1["url"] == "https://www.facebook.com/100071234567890/posts/900000000000001"
    assert p1["source_row"] == 2
    p2 = posts.loc[POST2]
    assert p2["text"] == "" and p2["post_type"] == "video"
    # the Graph API leaves out `shares` when nobody shared: empty beside filled cells is 0
    assert p2["n_shares"] == 0
    assert "n_wow" not in posts.columns  # not requested: missing after load, never 0


def test_all_nodes_comment_thread():
    comments = read_file(DATA / "fp_all_nodes.csv").comments.set_index("comment_id")
    assert len(comments) == 5
    assert set(comments["post_id"]) == {POST1}  # canonical <page>_<post>, though comment ids carry only <post>
    top, page_reply, reply2, post_parent, sticker = (f"{C}_100000000000000{i}" for i in range(1, 6))
    assert pd.isna(comments.loc[top, "parent_id"])
    assert comments.loc[page_reply, "parent_id"] == top
    assert comments.loc[reply2, "parent_id"] == page_reply  # a reply to a reply points at its direct parent
    assert pd.isna(comments.loc[post_parent, "parent_id"])  # parent.id is the post: top-level
    assert comments.loc[page_reply, "author_is_page"]  # from.id == page id
    assert not comments.loc[top, "author_is_page"]
    assert comments.loc[page_reply, "author_platform_id"] == ALVBY
    assert comments.loc[top, "author_name"] == "Testa Testsson"
    assert comments.loc[sticker, "text"] == ""
    assert pd.isna(comments.loc[post_parent, "n_likes"])  # empty like_count: missing
    assert (comments.loc[top, "n_likes"], comments.loc[top, "n_replies"]) == (3, 1)
    assert comments.loc[top, "created_at"] == utc("2024-04-01 06:00:00")
    assert comments.loc[top, "source_row"] == 5 and comments.loc[sticker, "source_row"] == 9


def test_all_nodes_seed_becomes_the_page():
    pages = read_file(DATA / "fp_all_nodes.csv").pages
    assert len(pages) == 1
    page = pages.iloc[0]
    # the seed was typed as a handle; the id comes from its posts' ids, the name from the page's own posts
    assert (page["page_id"], page["platform"], page["page_name"], page["handle"]) == \
        (ALVBY, "facebook", "Älvby kommun", "alvbykommun")
    assert pd.isna(page["followers"])


def test_load_pseudonymises_and_keeps_the_page_as_author():
    ds = ks.load(DATA / "fp_all_nodes.csv", salt="test", progress=False)
    assert (len(ds.pages), len(ds.posts), len(ds.comments), len(ds.quarantine)) == (1, 2, 5, 0)
    comments = ds.comments.set_index("comment_id")
    page_reply = f"{C}_1000000000000002"
    assert comments.loc[page_reply, "author_is_page"] == True  # noqa: E712
    assert comments.loc[page_reply, "author_id"] == ALVBY
    others = comments.drop(index=page_reply)
    assert not others["author_is_page"].any()
    assert others["author_id"].str.startswith("p_").all()
    # the same person gets the same pseudonym
    assert comments.loc[f"{C}_1000000000000001", "author_id"] == comments.loc[f"{C}_1000000000000003", "author_id"]
    assert "author_name" not in ds.comments and "author_platform_id" not in ds.comments
    assert comments.loc[page_reply, "parent_id"] == f"{C}_1000000000000001"
    assert ds.manifest["inputs"][0]["layout"] == "All nodes"


# ---------------------------------------------------------------------------------------------
# "Selected nodes", filter=toplevel: replies one level deeper, no parent.id column
# ---------------------------------------------------------------------------------------------
def test_selected_nodes_replies_from_the_tree():
    parsed = read_file(DATA / "fp_selected_nodes.csv")
    assert parsed.info["layout"] == "Selected nodes"
    (post,) = parsed.posts.to_dict("records")
    assert post["post_id"] == f"{NESVIK}_700000000000001" and post["page_id"] == NESVIK
    assert post["created_at"] == utc("2024-01-10 05:00:00")
    assert pd.isna(post["n_shares"])  # shares.count never filled in this file: not requested, missing
    comments = parsed.comments.set_index("comment_id")
    top, reply = "700000000000001_2000000000000001", "700000000000001_2000000000000002"
    assert pd.isna(comments.loc[top, "parent_id"])
    assert comments.loc[reply, "parent_id"] == top  # the node above it is a comment
    assert comments.loc[reply, "author_is_page"]
    # Graph API v11+: no comment id and no author; a stable id is made up and the thread survives
    hidden, hidden_reply = "fp:fp_selected_nodes.csv#5", "fp:fp_selected_nodes.csv#6"
    assert comments.loc[hidden_reply, "parent_id"] == hidden
    assert pd.isna(comments.loc[hidden, "author_is_page"]) and pd.isna(comments.loc[hidden, "author_platform_id"])
    assert set(comments["post_id"]) == {f"{NESVIK}_700000000000001"}
    # the numeric seed is the page id; its name comes from the page's own posts
    assert parsed.pages.loc[0, "page_id"] == NESVIK and parsed.pages.loc[0, "page_name"] == "Nesvik kommune"
    # a row of a reactions query is not a post or comment: quarantined with its row, names redacted
    (q,) = parsed.quarantine
    assert q["source_row"] == 7 and q["column"] == "query_type" and "not a post or comment" in q["reason"]


def test_selected_nodes_loads_with_hidden_authors():
    ds = ks.load(DATA / "fp_selected_nodes.csv", salt="test", progress=False)
    comments = ds.comments.set_index("comment_id")
    assert comments.loc["700000000000001_2000000000000002", "author_is_page"] == True  # noqa: E712
    assert pd.isna(comments.loc["fp:fp_selected_nodes.csv#5", "author_id"])
    assert len(ds.quarantine) == 1


def test_wide_format_reads_each_rows_own_level():
    parsed = read_file(DATA / "fp_wide.csv")
    assert parsed.info["layout"] == "Selected nodes in wide format" and parsed.info["delimiter"] == ","
    assert parsed.posts.loc[0, "text"] == "Biblioteket har nya öppettider"
    comment = parsed.comments.iloc[0]
    assert comment["text"] == "Äntligen söndagsöppet!"  # lvl_2_message, not its post's lvl_1_message
    assert comment["created_at"] == utc("2024-05-02 09:45:00")
    assert comment["n_likes"] == 9 and not comment["author_is_page"]
    assert comment["post_id"] == f"{ALVBY}_600000000000001"


def test_comments_of_post_seeds_join_posts_from_crowdtangle():
    ds = ks.load([CROWDTANGLE / "ct_2024_41col.csv", DATA / "fp_post_seeds.csv"], salt="test", progress=False)
    assert len(ds.quarantine) == 0
    comments = ds.comments.set_index("comment_id")
    assert set(comments["post_id"]) == {POST1}
    assert POST1 in set(ds.posts["post_id"])
    page_answer = f"{C}_4000000000000002"
    assert comments.loc[page_answer, "author_is_page"] == True  # noqa: E712
    assert comments.loc[page_answer, "parent_id"] == f"{C}_4000000000000001"  # from the `parent` JSON column


def test_post_seed_comments_alone_are_orphans_and_so_nothing_is_loaded():
    parsed = read_file(DATA / "fp_post_seeds.csv")
    assert len(parsed.comments) == 2 and not len(parsed.posts)
    # both comments' post is absent: a load of this file alone quarantines everything, an error
    with pytest.raises(LoadError) as err:
        ks.load(DATA / "fp_post_seeds.csv", salt="test", progress=False)
    message = str(err.value)
    assert message.startswith("fp_post_seeds.csv: nothing could be loaded: all 2 records were quarantined; the most "
                              "common reasons: comment's post is not in the dataset (2). The first: "
                              "fp_post_seeds.csv row 2, column post_id")
    assert "Exempel" not in message  # names never reach the message


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
def test_bad_values_are_quarantined(tmp_path):
    header, rows = read_rows("fp_all_nodes.csv")
    col = {h: i for i, h in enumerate(header)}
    rows[1][col["created_time"]] = "igår"  # post: not a date
    rows[4][col["like_count"]] = "-2"  # comment: negative
    rows[5][col["comment_count"]] = "many"
    parsed = read_file(write_rows(tmp_path / "bad.csv", header, rows))
    got = {(q["source_row"], q["column"], q["table"]) for q in parsed.quarantine}
    assert got == {(2, "created_at", "posts"), (5, "n_likes", "comments"), (6, "n_replies", "comments")}
    records = " ".join(q["record"] for q in parsed.quarantine)
    # the commenter's name and id fields are redacted (names inside message text are masked by the loader)
    assert '"from.name": "[redacted]"' in records and "7012345678901234" not in records
    # the comments of the quarantined post still name it; the loader then quarantines them as orphans
    ds = ks.load(tmp_path / "bad.csv", salt="test", progress=False)
    assert len(ds.posts) == 1 and len(ds.comments) == 0 and len(ds.quarantine) == 3 + 3


def test_repeated_node_id_is_quarantined(tmp_path):
    header, rows = read_rows("fp_all_nodes.csv")
    rows[6][1] = rows[5][1]
    parsed = read_file(write_rows(tmp_path / "dup.csv", header, rows))
    (q,) = parsed.quarantine
    assert q["source_row"] == 7 and q["column"] == "id" and "repeats" in q["reason"]


def test_missing_created_time_column_is_an_error(tmp_path):
    header, rows = read_rows("fp_all_nodes.csv")
    i = header.index("created_time")
    path = write_rows(tmp_path / "nodate.csv", header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    with pytest.raises(LoadError) as err:
        read_file(path)
    assert err.value.file == "nodate.csv" and err.value.column == "created_time"


def test_missing_tree_column_is_an_error(tmp_path):
    header, rows = read_rows("fp_all_nodes.csv")
    path = write_rows(tmp_path / "notree.csv", header[:2] + header[3:], [r[:2] + r[3:] for r in rows])
    with pytest.raises(LoadError) as err:
        facepager.read(path, name="notree.csv", options={})
    assert err.value.column == "parent_id" and "not a Facepager export" in str(err.value)


def test_truncated_file_is_an_error(tmp_path):
    data = (DATA / "fp_all_nodes.csv").read_bytes()
    cut = data.index("Vilken fin dag".encode())
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(LoadError) as err:
        read_file(path)
    assert str(err.value).startswith("cut.csv, row 5:") and "quoted field" in str(err.value)


def test_empty_header_only_html_and_wrong_format(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="^empty.csv: .*empty"):
        read_file(empty)
    bom_only = tmp_path / "bom.csv"
    bom_only.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(LoadError, match="^bom.csv"):
        facepager.read(bom_only, name="bom.csv", options={})
    header_only = tmp_path / "header.csv"
    header_only.write_bytes((DATA / "fp_all_nodes.csv").read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    with pytest.raises(LoadError, match="header.csv, row 1: the file has a header but no data rows"):
        read_file(header_only)
    html = tmp_path / "facepager.csv"
    html.write_text("<!doctype html><html><body><h1>404</h1></body></html>")
    with pytest.raises(LoadError, match="facepager.csv: format='facepager' was given, but the file does not look"):
        read_file(html, format="facepager")
    with pytest.raises(LoadError, match="facepager.csv: this is an HTML page"):
        ks.load(html, salt="test", progress=False)
    with pytest.raises(LoadError, match="ct_2024_41col.csv: format='facepager' was given.*looks like crowdtangle"):
        read_file(CROWDTANGLE / "ct_2024_41col.csv", format="facepager")


# ---------------------------------------------------------------------------------------------
# property: mangled data rows never crash the reader and are never lost
# ---------------------------------------------------------------------------------------------
HEADER, ROWS = read_rows("fp_all_nodes.csv")
DATA_ROWS = [i for i, r in enumerate(ROWS) if r[HEADER.index("object_type")] == "data"]
#: fields a mangler may touch: everything but the tree structure (id, parent_id, level, object_type, query_type)
FIELDS = [i for i, h in enumerate(HEADER) if h not in {"id", "parent_id", "level", "object_type", "query_type"}]
GARBAGE = st.one_of(
    st.text(max_size=25),
    st.integers(-10**6, -1).map(str),
    st.sampled_from(["None", "", "null", "1.5", "1e3", "2024-02-30T10:00:00+0000", "10/03/2024", "{\"id\": 5}",
                     "{not json", "99999999999999999999999", "abc_def", "\"", "a;b", "\r\n"]),
)
EDIT = st.tuples(st.sampled_from(DATA_ROWS), st.sampled_from(["set", "drop"]), st.sampled_from(FIELDS), GARBAGE)


@pytest.mark.slow  # a property test over many mangled records
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, max_size=8))
def test_mangled_rows_are_loaded_or_quarantined(edits):
    rows = [list(r) for r in ROWS]
    for row, action, field, value in edits:
        if action == "set":
            if field < len(rows[row]):
                rows[row][field] = value
        else:
            del rows[row][-1]  # a record one field short
    with tempfile.TemporaryDirectory() as folder:
        path = write_rows(Path(folder) / "mangled.csv", HEADER, rows)
        try:
            parsed = read_file(path, format="facepager")
        except LoadError as exc:
            assert "mangled.csv" in str(exc)
            return
    loaded = len(parsed.posts) + len(parsed.comments)
    assert loaded + len(parsed.quarantine) == len(DATA_ROWS)
    for table in (parsed.posts, parsed.comments):
        if len(table):
            assert table["created_at"].notna().all()
            counts = table[[c for c in table if c.startswith("n_")]]
            assert not (counts < 0).any().any()


# ---------------------------------------------------------------------------------------------
# presets that write the post's id as every comment's object_id, and count columns by alias
# ---------------------------------------------------------------------------------------------
def test_comments_whose_object_id_is_the_post_id_load_as_comments():
    parsed = facepager.read(DATA / "fp_preset_aliases.csv", name="fp_preset_aliases.csv", options={})
    c = parsed.comments
    # four comment data rows, none a duplicate of another: each gets its node's stable id
    assert c["comment_id"].tolist() == [f"fp:fp_preset_aliases.csv#{n}" for n in (5, 6, 7, 9)]
    assert c["post_id"].tolist() == [POST1, POST1, POST1, POST2]
    assert c["parent_id"].isna().all()
    assert len(parsed.quarantine) == 0
    assert c["source_row"].tolist() == [5, 6, 7, 9]


def test_count_columns_by_the_presets_aliases():
    parsed = facepager.read(DATA / "fp_preset_aliases.csv", name="fp_preset_aliases.csv", options={})
    p = parsed.posts
    assert p["n_comments"].tolist() == [3, 1]
    assert p["n_reactions"].tolist() == [41, 12]
    assert p["n_shares"].tolist() == [5, 0]  # an empty `shares` beside filled ones: nobody shared it
    assert parsed.comments["n_likes"].tolist() == [2, 0, 5, 1]
    assert parsed.comments["n_replies"].tolist() == [1, 0, 0, 0]
    assert "counts_missing" not in parsed.info


def test_comment_own_id_column_is_preferred_to_the_post_id():
    parsed = facepager.read(DATA / "fp_comment_own_id.csv", name="fp_comment_own_id.csv", options={})
    c = parsed.comments
    assert c["comment_id"].tolist() == ["900000000000001_700000000000011", "900000000000001_700000000000012"]
    assert c["post_id"].tolist() == [POST1, POST1]
    assert c["text"].tolist() == ["Tack, =fint!", "<b>Hej</b>"]
    assert c["n_likes"].tolist() == [4, 0]
    assert parsed.posts[["n_comments", "n_reactions", "n_shares"]].iloc[0].tolist() == [2, 9, 1]


def test_count_alias_cell_holding_the_fetched_json(tmp_path):
    header, rows = read_rows("fp_preset_aliases.csv")
    rows[1][header.index("comments")] = '{"data": [], "summary": {"total_count": 17}}'
    rows[1][header.index("shares")] = '{"count": 8}'
    path = tmp_path / "fp.csv"
    write_rows(path, header, rows)
    p = facepager.read(path, name="fp.csv", options={}).posts
    assert p["n_comments"].tolist() == [17, 1]
    assert p["n_shares"].tolist() == [8, 0]


def test_missing_count_columns_are_named_not_silently_na(tmp_path):
    header, rows = read_rows("fp_preset_aliases.csv")
    keep = [i for i, h in enumerate(header) if h not in ("shares", "comment_comments")]
    path = tmp_path / "fp.csv"
    write_rows(path, [header[i] for i in keep], [[r[i] for i in keep] for r in rows])
    parsed = facepager.read(path, name="fp.csv", options={})
    assert parsed.info["counts_missing"] == {"posts": ["n_shares"], "comments": ["n_replies"]}


def test_preset_export_loads_every_comment_end_to_end():
    ds = ks.load(DATA / "fp_preset_aliases.csv", salt="test", progress=False)
    assert (len(ds.posts), len(ds.comments), len(ds.quarantine)) == (2, 4, 0)
    assert ds.comments.groupby("post_id").size().to_dict() == {POST1: 3, POST2: 1}
    assert ds.posts.set_index("post_id")["n_comments"].to_dict() == {POST1: 3, POST2: 1}
