"""Safe writes: unique temporary names, atomic replacement of files and folders, and a lock.

Every file kommunsocial writes (processed tables, manifests, reports, exports, caches) is written
under a temporary name unique to the writer and moved into place with :func:`os.replace`, so a
reader sees the old file or the new one, never half of one, and two runs writing the same file
at once never write into each other's temporary file. Processed datasets are whole folders:
:func:`replace_dir` swaps one in (its protocol is documented there and in
:meth:`kommunsocial.Dataset.save`), and :func:`locked` lets two ingests of one dataset wait for
each other.

The guarantees hold against a killed process (``SIGKILL``, Ctrl-C, a full disk); files are not
``fsync``-ed, so a power cut may still lose the last write.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
import threading
import time
from pathlib import Path

__all__ = ["temp_path", "atomic_write", "new_dir", "replace_dir", "leftovers", "remove_leftovers", "lock_path",
           "locked", "NEW_TAG", "OLD_TAG"]

#: Name parts of a dataset folder's siblings during :func:`replace_dir`: ``.<name>.new-<random>``
#: is being written (complete once its manifest exists), ``.<name>.old-<random>`` is the
#: previous folder moved aside, about to be removed.
NEW_TAG, OLD_TAG = "new-", "old-"


def temp_path(path) -> Path:
    """A temporary name beside ``path``, unique to this call: ``.<name>.<pid>.<random>.tmp``.

    Hidden (leading dot), so globs of the real files (``*.html``, ``page_id=*``) skip it, and
    beside the target, so :func:`os.replace` is a rename within one file system.
    """
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


@contextlib.contextmanager
def atomic_write(path):
    """Write ``path`` through a temporary file that replaces it only when the block succeeds.

    Yields the temporary :class:`~pathlib.Path` to write to (with any writer: ``to_parquet``,
    ``nx.write_gexf``, ``open``); on an exception it is removed and ``path`` keeps its old content.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with atomic_write(Path(d) / "a.txt") as tmp:
    ...         _ = tmp.write_text("new")
    ...     sorted(p.name for p in Path(d).iterdir())
    ['a.txt']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def new_dir(folder) -> Path:
    """An empty, uniquely named sibling of ``folder`` to build its next version in
    (``.<name>.new-<random>``), with the permissions the umask gives (not ``mkdtemp``'s owner-only
    ones: a processed dataset may be shared read-only)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    while True:
        path = folder.with_name(f".{folder.name}.{NEW_TAG}{secrets.token_hex(4)}")
        try:
            path.mkdir()
            return path
        except FileExistsError:  # another writer drew the same name: draw again
            continue


def replace_dir(new, folder, *, keep=()) -> Path:
    """Move the complete folder ``new`` (from :func:`new_dir`) into place as ``folder``.

    The protocol, two renames: ``folder`` is renamed aside to ``.<name>.old-<random>``, ``new`` is
    renamed to ``folder``, then the old folder is removed. A process killed between the two renames
    leaves no ``folder`` but both complete versions beside it; readers then use the newest complete
    ``.new-`` one (:func:`leftovers`), and the next write removes the others. Entries named in
    ``keep`` (caches that stay valid, such as ``_cache``) are moved from the old folder into the new
    one first.
    """
    new, folder = Path(new), Path(folder)
    aside = None
    if folder.exists():
        for name in keep:
            if (folder / name).exists() and not (new / name).exists():
                with contextlib.suppress(OSError):  # a cache lost is only recomputed
                    os.replace(folder / name, new / name)
        aside = folder.with_name(f".{folder.name}.{OLD_TAG}{secrets.token_hex(4)}")
        os.replace(folder, aside)
    os.replace(new, folder)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return folder


def leftovers(folder) -> list[Path]:
    """Folders that :func:`new_dir` and :func:`replace_dir` leave beside ``folder`` when a write is
    killed: the ``.new-`` ones first (a complete one is the newer version), each kind newest first."""
    folder = Path(folder)
    if not folder.parent.is_dir():
        return []
    out = []
    for tag in (NEW_TAG, OLD_TAG):
        found = [p for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.{tag}") and p.is_dir()]
        out += sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    return out


def remove_leftovers(folder, *, but=None) -> None:
    """Remove what killed writes left beside ``folder`` (call only while holding :func:`locked`)."""
    for path in leftovers(folder):
        if but is None or path != Path(but):
            shutil.rmtree(path, ignore_errors=True)


# -- the lock ------------------------------------------------------------------------------------
# lock files each thread of this process holds, with how deeply: the lock is re-entrant within a
# thread (an ingest holds it, its save takes it again), while another thread waits as another process would
_held: dict[tuple[int, str], int] = {}
_held_guard = threading.Lock()


def lock_path(folder) -> Path:
    """The lock file of a dataset folder: ``.<name>.lock`` beside it (not inside: the folder itself
    is replaced while the lock is held)."""
    folder = Path(folder)
    return folder.with_name(f".{folder.name}.lock")


@contextlib.contextmanager
def locked(folder, *, what="write"):
    """Hold the exclusive lock of ``folder`` for the block; wait, saying so, while another process holds it.

    Uses ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows; both are released by the
    operating system when the holder dies, so a killed run never leaves the dataset locked. The
    lock is re-entrant within a thread (an ingest holds it and its ``save`` takes it again).
    Limitation: on network file systems that do not support these locks, runs are not
    serialised; run them one at a time there.
    """
    path = lock_path(folder)
    key = (threading.get_ident(), str(path.resolve()))
    with _held_guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield path
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")
    try:
        if not _try_lock(handle):
            print(f"waiting for another {what} of {Path(folder).name}…", file=sys.stderr, flush=True)
            _lock(handle)
        with _held_guard:
            _held[key] = 1
        try:
            yield path
        finally:
            with _held_guard:
                _held.pop(key, None)
            _unlock(handle)
    finally:
        handle.close()


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _lock(handle) -> None:
        while not _try_lock(handle):  # LK_LOCK gives up after 10 s: poll without a limit instead
            time.sleep(0.2)

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
