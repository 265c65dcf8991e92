"""A processed dataset on disk: its file list in ``manifest.json``, finding the complete copy, verifying it.

:meth:`kommunsocial.Dataset.save` writes a new dataset into a sibling folder and swaps it in
(:mod:`kommunsocial._atomic`); the manifest, written last, lists every file with its size and
sha256. :meth:`kommunsocial.Dataset.read` finds the complete folder (:func:`locate`) and checks
the files it is about to read against that list (:func:`verify`), so a missing, extra, truncated
or, with ``verify="full"``, altered file is reported by name instead of read silently.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import _atomic
from .errors import DatasetError, DatasetMissingError

__all__ = ["MANIFEST", "VERIFY_MODES", "file_list", "write_manifest", "read_manifest", "locate", "verify",
           "identity", "check_replaceable", "Deferred"]

MANIFEST = "manifest.json"
#: ``"sizes"``: every file read exists, has its listed size and no unlisted file lies among them
#: (a stat per file: free); ``"full"``: also its sha256 (about 1 s per GB on a laptop core).
VERIFY_MODES = ("sizes", "full")
#: Top-level entries a dataset folder may hold besides its listed files: the analyses' cache and
#: the municipality list ``make`` generates from the manifest.
_UNLISTED = ("_cache", "municipalities.mk")
#: Files a file manager drops into any folder it shows: neither data nor a sign of damage.
_JUNK = (".DS_Store", "Thumbs.db", "desktop.ini")


def file_list(folder: Path) -> dict:
    """``{relative path: {"bytes": size, "sha256": hash}}`` of every file of a dataset folder being
    written (all but the manifest), in sorted order."""
    from .schema import sha256_file

    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel != MANIFEST and rel.split("/")[0] not in _UNLISTED:
            out[rel] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
    return out


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write ``manifest.json`` with the folder's file list: the last file of a dataset, whose
    presence marks the dataset complete."""
    manifest = {**manifest, "files": file_list(folder)}
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    with _atomic.atomic_write(folder / MANIFEST) as tmp:
        tmp.write_text(text, encoding="utf-8")


def read_manifest(folder: Path) -> dict:
    """The manifest of a dataset folder; :class:`DatasetError` if it is missing, unreadable or
    lacks the file list."""
    path = folder / MANIFEST
    if not path.is_file():
        raise DatasetMissingError(folder, "manifest.json is missing: the dataset is incomplete (a write was "
                                          "killed, or files were copied in by hand); run the ingest again",
                                  file=MANIFEST)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(folder, f"is not valid JSON ({exc}); run the ingest again", file=MANIFEST) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise DatasetError(folder, "lists no files (written by an older kommunsocial, or by hand): "
                                   "run the ingest again", file=MANIFEST)
    return manifest


def locate(folder: Path) -> Path:
    """The folder to read for the dataset ``folder``: itself, or, when a write was killed between
    its two renames (``folder`` absent), the complete version it left beside it.

    Raises :class:`DatasetMissingError` when there is no dataset, naming any incomplete folder
    a killed write left.
    """
    if folder.is_dir():
        return folder
    left = _atomic.leftovers(folder)
    for candidate in left:
        try:
            verify(candidate, read_manifest(candidate))
        except DatasetError:
            continue
        return candidate
    if left:
        raise DatasetMissingError(folder, "is missing and the folders a killed write left beside it are incomplete ("
                                          + ", ".join(p.name for p in left) + "); run the ingest again")
    raise DatasetMissingError(folder, "no processed dataset here; run `kommunsocial ingest` or `make data` first")


def verify(folder: Path, manifest: dict, *, partitions=None, mode: str = "sizes") -> None:
    """Check the files of ``folder`` that a read opens against the manifest's list.

    ``partitions`` (partition folder names such as ``page_id=p1``) limits the check to those
    pages' posts and comments besides the unpartitioned tables; None checks everything. Raises
    :class:`DatasetError` naming the first missing, unexpected or altered file.
    """
    if mode not in VERIFY_MODES:
        raise ValueError(f"verify must be one of {VERIFY_MODES}, got {mode!r}")
    listed = manifest["files"]
    if partitions is None:
        wanted = set(listed)
        present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name not in _JUNK}
        present = {p for p in present if p != MANIFEST and p.split("/")[0] not in _UNLISTED}
    else:
        parts = set(partitions)
        wanted = {f for f in listed if "/" not in f or f.split("/")[1] in parts}
        present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST
                   and p.name not in (*_UNLISTED, *_JUNK)}
        for table in {f.split("/")[0] for f in listed if "/" in f}:
            for part in parts:
                where = folder / table / part
                if where.is_dir():
                    present |= {p.relative_to(folder).as_posix() for p in where.rglob("*")
                                if p.is_file() and p.name not in _JUNK}
    for rel in sorted(wanted - present):
        raise DatasetError(folder, "is missing (listed in manifest.json): the dataset is incomplete; "
                                   "run the ingest again", file=rel)
    for rel in sorted(present - set(listed)):
        raise DatasetError(folder, "is not listed in manifest.json (left by a killed or foreign write?): "
                                   "run the ingest again", file=rel)
    from .schema import sha256_file

    for rel in sorted(wanted):
        entry, path = listed[rel], folder / rel
        size = path.stat().st_size
        if size != entry.get("bytes"):
            raise DatasetError(folder, f"has {size:,} bytes, manifest.json says {entry.get('bytes'):,}: "
                                       f"altered or half-written; run the ingest again", file=rel)
        if mode == "full" and sha256_file(path) != entry.get("sha256"):
            raise DatasetError(folder, "sha256 differs from manifest.json: the file was altered; "
                                       "run the ingest again", file=rel)


def identity(folder: Path) -> tuple | None:
    """What changes when ``folder`` is replaced or its manifest rewritten: a read that sees a
    different identity after reading than before has read from two versions and starts again."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:  # a leftover folder removed by the save that followed
        return None
    try:
        mf = os.stat(folder / MANIFEST)
        manifest = (mf.st_ino, mf.st_size, mf.st_mtime_ns)
    except FileNotFoundError:
        manifest = None
    return st.st_dev, st.st_ino, manifest


def check_replaceable(folder: Path) -> None:
    """Refuse to replace a folder that is not a processed dataset (an ``--out`` pointing at the
    wrong place must not delete someone's files)."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise DatasetError(folder, "exists and is not a folder: choose another output folder")
    known = {"pages.parquet", "quarantine.parquet", "posts", "comments", "posts.parquet", "comments.parquet",
             MANIFEST, *_UNLISTED, *_JUNK}
    stray = sorted(p.name for p in folder.iterdir() if p.name not in known and not p.name.endswith(".tmp"))
    if stray:
        raise DatasetError(folder, f"holds files that are not part of a processed dataset ({', '.join(stray[:5])}); "
                                   f"it is replaced whole when saving: choose an empty or new folder")


class Deferred:
    """A table of a dataset read from ``folder`` when it is first used, not with the others.

    The comments are most of a country's data and the reports on tone and engagement never
    use them: :meth:`kommunsocial.Dataset.read` leaves them on disk until ``ds.comments`` is
    asked for. ``identity`` is the folder's :func:`identity` when the other tables were read:
    when a new ingest has replaced the folder since, :meth:`load` raises :class:`DatasetError`
    instead of mixing two versions of the dataset.
    """

    def __init__(self, folder: Path, identity_then, read):
        self.folder, self.identity, self._read = Path(folder), identity_then, read

    def load(self):
        """The table, read now; :class:`DatasetError` when the folder is no longer the one first read."""
        self._check()
        try:
            frame = self._read()
        except FileNotFoundError:
            self._check()  # a save removed the files meanwhile: say that rather than which file
            raise
        self._check()  # nor replaced while this table was read
        return frame

    def _check(self) -> None:
        if self.identity is not None and identity(self.folder) != self.identity:
            raise DatasetError(self.folder, "was replaced by a new ingest after the dataset was read; "
                                            "read it again")
