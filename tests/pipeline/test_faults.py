"""Fault injection: ingests and saves killed (SIGKILL) at seeded random points and at every rename,
two ingests at once, an export killed while written. Afterwards the dataset on disk is the complete
old one or the complete new one, byte for byte, and ``Dataset.read`` reads it.

The old dataset is the small corpus ingested under one salt, the new one the same raw files under
another (every pseudonym differs, so a mix of the two is visible). Kills of a save run in a forked
copy of this process (a fresh interpreter would spend most of the time importing); kills of a
whole ingest run the command line in a subprocess.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kommunsocial as ks
from kommunsocial import _atomic, _store
from kommunsocial.errors import DatasetError

pytestmark = [pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked processes (POSIX)"),
              pytest.mark.slow]  # ingests and kills for about a minute

OLD_SALT, NEW_SALT = "fault-old-salt", "fault-new-salt"
ROOT = Path(__file__).resolve().parents[2]


def files(folder: Path) -> dict:
    """Every file of a dataset folder (relative name → bytes), the tone cache left out."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "_cache" not in p.relative_to(folder).parts}


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    """The raw corpus and its reference ingests under the old and the new salt."""
    base = tmp_path_factory.mktemp("faults")
    ks.sample.write(ks.sample.generate(n_pages=3, years=1, seed=1), base / "raw", format="graph_api")
    ks.ingest(base / "raw", base / "ref_old", salt=OLD_SALT, progress=False)
    ks.ingest(base / "raw", base / "ref_new", salt=NEW_SALT, progress=False)
    old, new = files(base / "ref_old"), files(base / "ref_new")
    assert old.keys() == new.keys() and old != new
    return base, old, new


def reset(out: Path, refs) -> None:
    """``out`` holds the complete old dataset, nothing beside it."""
    base, _, _ = refs
    _atomic.remove_leftovers(out)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(base / "ref_old", out)


def state(out: Path, refs) -> str:
    """"old", "new" or "mixed": what the folder a reader finds holds; and read it."""
    _, old, new = refs
    try:
        where = _store.locate(out)
    except DatasetError:
        return "none"
    found = files(where)
    kind = "old" if found == old else "new" if found == new else "mixed"
    ds = ks.Dataset.read(out)  # must read what is there, complete
    assert len(ds.comments) == ds.manifest["counts"]["comments"]  # read on first use: from the same version
    salt = {"old": OLD_SALT, "new": NEW_SALT}.get(kind)
    if salt is not None:
        assert ds.manifest["salt_fingerprint"] == ks.privacy.salt_fingerprint(salt.encode())
    return kind


def fork(job) -> int:
    """Run ``job()`` in a forked copy of this process; returns its pid."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            job()
            code = 0
        finally:
            os._exit(code)
    return pid


def kill(pid: int) -> bool:
    """SIGKILL ``pid`` and reap it; whether it was still running (else it had finished)."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def test_saves_killed_at_random_points_leave_old_or_new(refs, tmp_path):
    base, _, new = refs
    out = tmp_path / "x"
    dataset = ks.Dataset.read(base / "ref_new")
    reset(out, refs)
    started = time.perf_counter()
    _, status = os.waitpid(fork(lambda: dataset.save(out)), 0)
    duration = time.perf_counter() - started
    assert status == 0 and files(out) == new  # a save of a dataset read back is byte-identical
    rng = random.Random(20241207)
    counts = {"old": 0, "new": 0, "mixed": 0, "none": 0}
    for i in range(20):  # stratified: one random point in each twentieth of the save (and a bit beyond)
        reset(out, refs)
        pid = fork(lambda: dataset.save(out))
        time.sleep((i + rng.random()) / 20 * 1.3 * duration)
        kill(pid)
        counts[state(out, refs)] += 1
    print(f"\n20 kills of a save ({duration:.2f} s) at seeded random points: {counts}")
    # (how many land after the swap depends on the machine's load: the rename test covers both sides)
    assert counts["mixed"] == counts["none"] == 0 and counts["old"]
    dataset.save(out)  # the next save cleans up what the killed ones left
    assert files(out) == new and _atomic.leftovers(out) == []


def test_saves_killed_at_every_rename_and_removal_leave_old_or_new(refs, tmp_path):
    base, _, _ = refs
    out = tmp_path / "x"
    dataset = ks.Dataset.read(base / "ref_new")
    seen = []
    for call, last in (("replace", 20), ("unlink", 4)):  # past the 1st unlink: removing the old folder
        for when in range(1, last + 1):  # until a save gets through: there is no later call to die at
            reset(out, refs)

            def job():
                real = getattr(os, call)
                n = [0]

                def dying(*args, **kwargs):
                    n[0] += 1
                    if n[0] == when:  # die just before the when-th rename (or file removal)
                        os.kill(os.getpid(), signal.SIGKILL)
                    return real(*args, **kwargs)

                setattr(os, call, dying)
                dataset.save(out)

            _, status = os.waitpid(fork(job), 0)
            killed = os.WIFSIGNALED(status)
            assert killed or status == 0
            seen.append((call, when, killed, state(out, refs)))
            if not killed:
                break
    kinds = {s[3] for s in seen}
    print(f"\nkills before each os.replace / os.unlink of a save: {[(c, w, k) for c, w, _, k in seen]}")
    assert kinds <= {"old", "new"} and kinds == {"old", "new"}
    # the two renames of the swap are the 2nd and 3rd os.replace (the 1st puts the manifest in place)
    assert [k for c, w, killed, k in seen if c == "replace" and w <= 4] == ["old", "old", "new", "new"]


@pytest.fixture(scope="module")
def cli_ingest(refs):
    """The ingest command line for the raw corpus under the new salt, and its uninterrupted duration."""
    base, _, new = refs
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KOMMUNSOCIAL_SALT": NEW_SALT}  # never on the command line

    def start(out, **kwargs):
        return subprocess.Popen([sys.executable, "-m", "kommunsocial.cli", "ingest", str(base / "raw"), "--out",
                                 str(out), "--quiet"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **kwargs)

    started = time.perf_counter()
    proc = start(base / "cli_once")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert files(base / "cli_once") == new
    return start, time.perf_counter() - started


def test_ingests_killed_at_random_points_leave_old_or_new(refs, cli_ingest, tmp_path):
    start, duration = cli_ingest
    out = tmp_path / "x"
    rng = random.Random(7)
    counts = {"old": 0, "new": 0, "mixed": 0, "none": 0}
    for i in range(3):  # one random point in each third of the ingest
        reset(out, refs)
        proc = start(out)
        time.sleep((i + rng.random()) / 3 * duration)
        proc.kill()
        proc.communicate()
        counts[state(out, refs)] += 1
    print(f"\n3 kills of `kommunsocial ingest` ({duration:.1f} s) at seeded random points: {counts}")
    assert counts["mixed"] == counts["none"] == 0


def test_two_ingests_at_once_wait_for_each_other(refs, cli_ingest, tmp_path):
    start, _ = cli_ingest
    out = tmp_path / "x"
    reset(out, refs)
    first, second = start(out), start(out)
    results = [p.communicate(timeout=300) for p in (first, second)]
    assert first.returncode == second.returncode == 0, results
    assert sum("waiting for another ingest of x…" in err for _, err in results) == 1
    assert files(out) == refs[2] and _atomic.leftovers(out) == []


def test_an_export_killed_while_written_is_old_or_new(tmp_path):
    import networkx as nx

    path = tmp_path / "replies.gexf"
    ks.network.export(nx.path_graph(3, create_using=nx.DiGraph), path)
    old = path.read_bytes()
    big = nx.gnm_random_graph(3000, 12000, seed=3, directed=True)
    started = time.perf_counter()
    _, status = os.waitpid(fork(lambda: ks.network.export(big, tmp_path / "once.gexf")), 0)
    duration = time.perf_counter() - started
    assert status == 0
    new = (tmp_path / "once.gexf").read_bytes()
    (tmp_path / "once.gexf").unlink()
    rng = random.Random(11)
    counts = {"old": 0, "new": 0, "half": 0}
    for _ in range(10):
        path.write_bytes(old)
        pid = fork(lambda: ks.network.export(big, path))
        time.sleep(rng.uniform(0, 1.2 * duration))
        kill(pid)
        visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        assert visible == ["replies.gexf"]  # a killed writer leaves at most a hidden temporary file
        data = path.read_bytes()
        counts["old" if data == old else "new" if data == new else "half"] += 1
    print(f"\n10 kills of a GEXF export ({duration:.2f} s): {counts}")
    assert counts["half"] == 0 and counts["old"]
