"""The generic CSV / Excel reader and the load pipeline's handling of bad input."""

import hashlib
import json

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import detect, read_file

from ..conftest import SALT, write

POSTS = (
    "post_id,page_id,page_name,created_at,text,post_type,n_reactions,n_comments,n_shares\n"
    '1,p1,Sjöviks kommun,2024-03-11 08:15:02,"Hej! Nu öppnar vi 😀\nRing 070-123 45 67",Photo,"1,433",2,N/A\n'
    "2,p1,Sjöviks kommun,2024-03-12T08:15:02+01:00,Kommunen meddelar att vattnet stängs.,status,5,0,1\n"
)
COMMENTS = (
    "comment_id,post_id,parent_id,author_name,author_platform_id,created_at,text\n"
    "c1,1,,Anna Fiktiv,u1,2024-03-11 09:00:00,Hur anmäler jag mitt barn? Maila anna@exempel.se\n"
    "c2,1,c1,Sjöviks kommun,p1,2024-03-11 10:00:00,Hej Anna Fiktiv! Gå in på sjovik.se\n"
    "c3,1,c1,Kalle Påhittad,u2,2024-03-11 11:00:00,Anna Fiktiv det står på hemsidan\n"
)


@pytest.fixture
def folder(tmp_path):
    write(tmp_path / "raw" / "posts.csv", POSTS)
    write(tmp_path / "raw" / "comments.csv", COMMENTS)
    return tmp_path / "raw"


def test_canonical_csv_loads_with_values(folder):
    ds = ks.load(folder, salt=SALT, progress=False, timezone="Europe/Stockholm")
    p1 = ds.posts.set_index("post_id").loc["1"]
    assert (p1["n_reactions"], p1["n_comments"]) == (1433, 2)
    assert p1["n_shares"] is pd.NA  # N/A in the export: missing, not 0
    assert p1["created_at"] == pd.Timestamp("2024-03-11 07:15:02", tz="UTC")  # naive = Stockholm (CET)
    assert p1["post_type"] == "photo" and p1["n_emoji"] == 1
    assert p1["text"] == "Hej! Nu öppnar vi 😀\nRing [phone]"
    c = ds.comments.set_index("comment_id")
    assert c.loc["c2", "author_is_page"] and c.loc["c2", "author_id"] == "p1"
    assert not c.loc["c1", "author_is_page"] and c.loc["c1", "author_id"].startswith("p_")
    assert c.loc["c1", "text"] == "Hur anmäler jag mitt barn? Maila [e-mail]"
    assert c.loc["c3", "text"] == "[person] det står på hemsidan"
    assert c.loc["c3", "parent_id"] == "c1"
    assert ds.pages.loc[0, "page_name"] == "Sjöviks kommun"
    assert ds.manifest["counts"] == {"pages": 1, "posts": 2, "comments": 3, "quarantine": 0}


def test_mapping_semicolons_cp1252_and_day_first_dates(tmp_path):
    text = "Id;Sida;Datum;Inlägg;Gilla\r\n17;Älvby kommun;11/03/2024 13:15;Snöröjning pågår;12\r\n"
    path = write(tmp_path / "export.csv", text, encoding="cp1252")
    mapping = {"timezone": "Europe/Stockholm", "columns": {"post_id": "Id", "page_name": "Sida",
                                                            "created_at": "Datum", "text": "Inlägg",
                                                            "n_reactions": "Gilla"}}
    ds = ks.load(path, mapping=mapping, salt=SALT, progress=False)
    post = ds.posts.iloc[0]
    assert (post["post_id"], post["text"], post["n_reactions"]) == ("17", "Snöröjning pågår", 12)
    assert post["created_at"] == pd.Timestamp("2024-03-11 12:15", tz="UTC")
    assert ds.pages["page_name"].tolist() == ["Älvby kommun"]


def test_excel_workbook(tmp_path):
    frame = pd.DataFrame({"post_id": ["9"], "page_id": ["p1"], "created_at": ["2024-05-01 10:00"],
                          "text": ["Hej"], "n_reactions": ["4"]})
    frame.to_excel(tmp_path / "posts.xlsx", index=False)
    ds = ks.load(tmp_path / "posts.xlsx", salt=SALT, progress=False)
    assert ds.posts["n_reactions"].tolist() == [4]


def test_pages_table_keeps_leading_zeros_even_after_excel(tmp_path):
    write(tmp_path / "pages.csv", "page_id,page_name,municipality_code,country,population\np1,Sjöviks kommun,187,SE,12000\n")
    parsed = read_file(tmp_path / "pages.csv")
    assert parsed.pages["municipality_code"].tolist() == ["0187"]


def test_detection_is_by_content(tmp_path):
    path = write(tmp_path / "whatever.txt", POSTS)
    assert detect(path) == "csv"
    html = write(tmp_path / "posts.json", "<!DOCTYPE html><html><body>Rate limit</body></html>")
    with pytest.raises(LoadError, match="posts.json: this is an HTML page"):
        detect(html)


def test_missing_required_column_names_it(tmp_path):
    path = write(tmp_path / "posts.csv", "post_id,page_id,text\n1,p1,hej\n")
    with pytest.raises(LoadError, match=r"posts.csv, column 'created_at': required column 'created_at' is missing"):
        ks.load(path, format="csv", salt=SALT, progress=False)


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(LoadError, match="empty.csv: the file is empty"):
        ks.load(write(tmp_path / "empty.csv", ""), salt=SALT, progress=False)
    with pytest.raises(LoadError, match="header.csv, row 1: the file has a header but no data rows"):
        ks.load(write(tmp_path / "header.csv", "post_id,page_id,created_at\n"), salt=SALT, progress=False)


def test_undecodable_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"post_id,page_id,created_at\n" + bytes([0x81, 0x8d, 0x9d, 0x90, 0x01]) * 200)
    with pytest.raises(LoadError, match=r"bad.csv: cannot decode: not UTF-8 \(bad byte at line 2\)"):
        ks.load(path, format="csv", salt=SALT, progress=False)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8" * 50)
    with pytest.raises(LoadError, match="binary.csv: binary content"):
        ks.load(binary, format="csv", salt=SALT, progress=False)


def test_utf16_without_bom_is_read(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("post_id\tpage_id\tcreated_at\n1\tp1\t2024-01-01 10:00\n".encode("utf-16-le"))
    assert ks.load(path, salt=SALT, progress=False).posts["post_id"].tolist() == ["1"]


def test_bad_values_are_quarantined_with_row_column_and_reason(tmp_path):
    text = ("post_id,page_id,created_at,text,n_reactions\n"
            "1,p1,2024-03-11 10:00,ok,3\n"
            "2,p1,not a date,bad date,3\n"
            "3,p1,2024-03-11 10:00,negative,-4\n"
            "4,p1,2024-03-11 10:00,too,many,fields\n"
            ",p1,2024-03-11 10:00,no id,1\n")
    ds = ks.load(write(tmp_path / "posts.csv", text), salt=SALT, progress=False)
    assert ds.posts["post_id"].tolist() == ["1"]
    q = ds.quarantine.sort_values("source_row")
    assert q["source_row"].tolist() == [2, 3, 4, 5]
    assert q["column"].tolist()[:2] == ["created_at", "n_reactions"]
    assert q["reason"].tolist() == ["not a date and time: 'not a date'", "negative count -4",
                                    "expected 5 fields, found 6", "required value is missing"]
    assert q.iloc[0]["source_file"] == "posts.csv"
    assert json.loads(q.iloc[0]["record"])["text"] == "bad date"
    assert ds.manifest["quarantined_by_reason"] == {"expected 5 fields, found 6": 1, "negative count -4": 1,
                                                    "not a date and time": 1, "required value is missing": 1}


def test_everything_quarantined_is_an_error(tmp_path):
    text = "post_id,page_id,created_at\n1,p1,never\n2,p1,later\n"
    with pytest.raises(LoadError, match=r"posts.csv, row 1, column 'created_at': no record could be loaded "
                                        r"\(2 quarantined\)"):
        ks.load(write(tmp_path / "posts.csv", text), salt=SALT, progress=False)


def test_orphan_comments_and_conflicting_duplicates_are_quarantined(folder, tmp_path):
    write(folder / "more_comments.csv",
          "comment_id,post_id,parent_id,author_name,author_platform_id,created_at,text\n"
          "c1,1,,Anna Fiktiv,u1,2024-03-11 09:00:00,Hur anmäler jag mitt barn? Maila anna@exempel.se\n"  # exact repeat
          "c2,1,c1,Sjöviks kommun,p1,2024-03-11 10:00:00,An edited answer\n"  # same id, other content
          "c9,404,,Ola Oppdiktet,u3,2024-03-11 10:00:00,Where is my post?\n")  # post absent
    ds = ks.load(folder, salt=SALT, progress=False)
    assert sorted(ds.comments["comment_id"]) == ["c1", "c2", "c3"]
    assert ds.manifest["duplicates_dropped"] == {"posts": 0, "comments": 1}
    reasons = ds.quarantine.set_index("source_row")["reason"].to_dict()
    assert reasons[2].startswith("duplicate id with different content (first read from comments.csv row 2)")
    assert reasons[3] == "comment's post is not in the dataset (post_id 404)"
    # the quarantined record names nobody: the commenter's name is masked there too
    assert "Ola Oppdiktet" not in " ".join(ds.quarantine["record"])


def test_raw_files_are_never_modified(folder, tmp_path):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    ks.ingest(folder, tmp_path / "processed", salt=SALT, progress=False)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after


def test_manifest_records_inputs_and_never_the_salt(folder, tmp_path):
    ds = ks.ingest(folder, tmp_path / "processed", salt=SALT, progress=False)
    text = (tmp_path / "processed" / "manifest.json").read_text()
    assert SALT not in text
    manifest = json.loads(text)
    assert [i["file"] for i in manifest["inputs"]] == ["comments.csv", "posts.csv"]
    assert manifest["inputs"][1]["sha256"] == hashlib.sha256((folder / "posts.csv").read_bytes()).hexdigest()
    assert manifest["salt_fingerprint"] == ds.manifest["salt_fingerprint"]
    assert str(tmp_path) not in text  # file names only, never absolute paths
