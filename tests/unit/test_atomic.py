"""Atomic, verified datasets: what ``Dataset.read`` says about a damaged folder, how it finds the
complete copy a killed save left, unique temporary names, and the lock."""

import json
import os
import threading
import time

import pytest

import kommunsocial as ks
from kommunsocial import _atomic
from kommunsocial.errors import DatasetError, DatasetMissingError

from .test_schema import tiny


@pytest.fixture
def saved(tmp_path):
    folder = tmp_path / "ds"
    ks.Dataset(*tiny(), manifest={"inputs": []}).save(folder)
    return folder


def test_manifest_lists_every_file_with_its_size_and_hash(saved):
    files = json.loads((saved / "manifest.json").read_text())["files"]
    on_disk = sorted(p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.is_file())
    assert sorted(files) == [f for f in on_disk if f != "manifest.json"]
    assert sorted(files) == ["comments/page_id=p1/part-0.parquet", "pages.parquet",
                             "posts/page_id=p1/part-0.parquet", "posts/page_id=p2/part-0.parquet",
                             "quarantine.parquet"]
    assert files["pages.parquet"]["bytes"] == (saved / "pages.parquet").stat().st_size
    assert files["pages.parquet"]["sha256"] == ks.schema.sha256_file(saved / "pages.parquet")
    # nothing but the dataset and its lock beside it
    assert sorted(p.name for p in saved.parent.iterdir()) == [".ds.lock", "ds"]


def _damage(folder, how):
    part = folder / "posts" / "page_id=p2" / "part-0.parquet"
    if how == "missing file":
        part.unlink()
    elif how == "extra file":  # what an in-place write killed before its rename left
        (folder / "posts" / "page_id=p2" / "part-0.parquet.tmp").write_bytes(b"PAR1")
    elif how == "extra partition":
        (folder / "posts" / "page_id=p3").mkdir()
        (folder / "posts" / "page_id=p3" / "part-0.parquet").write_bytes(part.read_bytes())
    elif how == "truncated":
        part.write_bytes(part.read_bytes()[:-7])
    elif how == "missing manifest":
        (folder / "manifest.json").unlink()
    elif how == "old manifest":
        manifest = json.loads((folder / "manifest.json").read_text())
        del manifest["files"]
        (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("how, file, message", [
    ("missing file", "posts/page_id=p2/part-0.parquet", "is missing"),
    ("extra file", "posts/page_id=p2/part-0.parquet.tmp", "is not listed in manifest.json"),
    ("extra partition", "posts/page_id=p3/part-0.parquet", "is not listed in manifest.json"),
    ("truncated", "posts/page_id=p2/part-0.parquet", r"has [\d,]+ bytes, manifest.json says [\d,]+: altered or half-written"),
    ("missing manifest", "manifest.json", "manifest.json is missing"),
    ("old manifest", "manifest.json", "lists no files"),
])
def test_read_names_the_folder_and_the_file_that_is_wrong(saved, how, file, message):
    _damage(saved, how)
    with pytest.raises(DatasetError, match=message) as info:
        ks.Dataset.read(saved)
    assert info.value.folder == str(saved) and info.value.file == file
    assert str(info.value).startswith(f"{saved}, file {file}: ")


def test_a_partial_read_checks_only_what_it_reads(saved):
    _damage(saved, "truncated")  # page p2's posts
    assert ks.Dataset.read(saved, pages=["p1"]).posts["post_id"].tolist() == ["p1_1", "p1_2"]
    with pytest.raises(DatasetError, match="page_id=p2"):
        ks.Dataset.read(saved, pages=["p2"])
    (saved / "comments" / "page_id=p1" / "stray.parquet").write_bytes(b"x")
    with pytest.raises(DatasetError, match="stray.parquet"):
        ks.Dataset.read(saved, pages=["p1"])


def test_full_verification_finds_a_changed_byte_of_the_same_size(saved):
    path = saved / "pages.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="sha256 differs") as info:
        ks.Dataset.read(saved, verify="full")
    assert info.value.file == "pages.parquet"
    with pytest.raises(ValueError, match="verify must be one of"):
        ks.Dataset.read(saved, verify="fast")


def test_a_damaged_file_of_the_right_size_is_named_too(saved):
    path = saved / "quarantine.parquet"
    data = path.read_bytes()
    path.write_bytes(data[:-4] + b"XXXX")  # the Parquet end marker "PAR1" overwritten
    with pytest.raises(DatasetError, match="cannot be read: ArrowInvalid") as info:
        ks.Dataset.read(saved)
    assert info.value.folder == str(saved)


def test_no_dataset_is_a_clear_not_found_error(tmp_path):
    with pytest.raises(DatasetMissingError, match="no processed dataset here") as info:
        ks.Dataset.read(tmp_path / "nothing")
    assert isinstance(info.value, FileNotFoundError)


def test_a_save_killed_between_its_renames_leaves_the_new_dataset_readable(saved):
    new_posts = tiny()[1].iloc[:2]
    pages, _, comments = tiny()
    # the state after "rename the folder aside" and before "rename the new one in"
    scratch = saved.parent / "scratch" / "ds"
    ks.Dataset(pages, new_posts, comments).save(scratch)
    new = saved.with_name(".ds.new-0000")
    os.replace(scratch, new)
    os.replace(saved, saved.with_name(".ds.old-0000"))
    back = ks.Dataset.read(saved)
    assert back.posts["post_id"].tolist() == ["p1_1", "p1_2"] and back.source == new
    # the next save puts a dataset in place and removes what the killed one left
    ks.Dataset(*tiny()).save(saved)
    assert sorted(p.name for p in saved.parent.iterdir()) == [".ds.lock", "ds", "scratch"]
    assert len(ks.Dataset.read(saved).posts) == 3


def test_leftovers_without_a_complete_dataset_are_named(saved):
    os.replace(saved, saved.with_name(".ds.old-0000"))
    (saved.with_name(".ds.old-0000") / "manifest.json").unlink()
    with pytest.raises(DatasetMissingError, match=r"incomplete \(\.ds\.old-0000\)"):
        ks.Dataset.read(saved)


def test_a_folder_that_is_not_a_dataset_is_not_replaced(tmp_path):
    (tmp_path / "thesis.docx").write_text("years of work")
    with pytest.raises(DatasetError, match=r"thesis\.docx.*choose an empty or new folder"):
        ks.Dataset(*tiny()).save(tmp_path)
    assert (tmp_path / "thesis.docx").read_text() == "years of work"


def test_a_file_managers_litter_is_neither_damage_nor_a_reason_to_refuse(saved):
    (saved / ".DS_Store").write_bytes(b"x")
    (saved / "posts" / ".DS_Store").write_bytes(b"x")
    assert len(ks.Dataset.read(saved, verify="full").posts) == 3
    ks.Dataset(*tiny()).save(saved)
    assert not (saved / ".DS_Store").exists()


def test_the_tone_cache_moves_into_the_new_dataset(saved):
    (saved / "_cache").mkdir()
    (saved / "_cache" / "tone-index-abc.parquet").write_bytes(b"cached")
    ks.Dataset(*tiny()).save(saved)
    assert (saved / "_cache" / "tone-index-abc.parquet").read_bytes() == b"cached"
    assert len(ks.Dataset.read(saved, verify="full").posts) == 3  # the cache is not a dataset file


def test_atomic_write_keeps_the_old_file_on_failure_and_uses_unique_names(tmp_path):
    path = tmp_path / "replies.gexf"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with _atomic.atomic_write(path) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert path.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["replies.gexf"]
    names = {_atomic.temp_path(path).name for _ in range(100)}
    assert len(names) == 100 and all(n.startswith(".replies.gexf.") and n.endswith(".tmp") for n in names)


def test_a_second_writer_waits_for_the_lock(tmp_path, capfd):
    import subprocess
    import sys

    folder = tmp_path / "ds"
    events = []
    script = ("import sys, time; from kommunsocial import _atomic\n"
              "with _atomic.locked(sys.argv[1], what='ingest'):\n"
              "    print('in', flush=True); time.sleep(0.5)\n")
    with _atomic.locked(folder, what="ingest"):
        with _atomic.locked(folder):  # re-entrant within a process
            pass
        other = subprocess.Popen([sys.executable, "-c", script, str(folder)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONPATH": str(ks.config.project_root())})
        waiter = threading.Thread(target=lambda: events.append(("other", other.stdout.readline().strip(),
                                                                time.monotonic())))
        waiter.start()
        time.sleep(2.0)
        events.append(("released", None, time.monotonic()))
    waiter.join(timeout=30)
    _, err = other.communicate(timeout=30)
    assert [e[0] for e in events] == ["released", "other"] and events[1][1] == "in"
    assert "waiting for another ingest of ds…" in err


def test_threads_saving_one_folder_take_turns(tmp_path):
    pages, posts, comments = tiny()
    one, two = ks.Dataset(pages, posts, comments), ks.Dataset(pages, posts.iloc[:2], comments)
    folder = tmp_path / "ds"
    errors = []

    def save(ds):
        try:
            for _ in range(5):
                ds.save(folder)
        except Exception as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(ds,)) for ds in (one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(ks.Dataset.read(folder, verify="full").posts) in (2, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ds.lock", "ds"]
