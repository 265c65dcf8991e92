"""A content digest of a raw export folder, so that ``make`` sees every change to it.

``make`` compares modification times, and raw exports keep old ones (``unzip``, ``cp -p``) or
vanish without leaving one (a deleted file), and their names (``posts (1).json``) break make's
prerequisite lists. So the ingest depends on one stamp file per dataset, ``.make/<dataset>.raw``,
that :func:`update_stamp` rewrites — on every ``make`` invocation — only when the digest of the
folder's listing changed: the relative name, size and sha256 of each file. The hashes are cached
by (name, size, modification and change time, inode) in ``.make/<dataset>.raw-cache.json``, so an
unchanged folder of many GB costs one ``stat`` per file; the change time (``st_ctime``), which no
copy tool preserves, makes a replaced file with the same size and modification time hashed anew.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ._atomic import atomic_write

__all__ = ["listing", "digest", "update_stamp"]


def _files(folder: Path) -> list[tuple[str, Path]]:
    """Every regular file under ``folder`` as (relative POSIX name, path), hidden ones (a name
    starting with ``.``, or inside such a folder) left out, in sorted order."""
    out = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(root) / name
            if not name.startswith(".") and path.is_file():
                out.append((path.relative_to(folder).as_posix(), path))
    return sorted(out)


def listing(folder, *, cache: dict | None = None) -> list[dict]:
    """One ``{"name", "bytes", "sha256"}`` per file of ``folder`` (see :func:`_files`).

    ``cache`` (``{name: [size, mtime_ns, ctime_ns, inode, sha256]}``) is consulted and updated:
    a file whose size, times and inode are unchanged is not read again.
    """
    from .schema import sha256_file

    cache = {} if cache is None else cache
    out, seen = [], set()
    for name, path in _files(Path(folder)):
        st = path.stat()
        key = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        hit = cache.get(name)
        sha = hit[4] if hit and hit[:4] == key else sha256_file(path)
        cache[name] = [*key, sha]
        seen.add(name)
        out.append({"name": name, "bytes": st.st_size, "sha256": sha})
    for gone in set(cache) - seen:
        del cache[gone]
    return out


def digest(folder, *, cache: dict | None = None) -> str:
    """sha256 of the folder's listing (names, sizes, contents); a missing folder has its own digest.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     empty = digest(d)
    ...     _ = (Path(d) / "posts (1).json").write_text("[]")
    ...     empty != digest(d) and digest(Path(d) / "nope") != empty
    True
    """
    folder = Path(folder)
    h = hashlib.sha256()
    if not folder.is_dir():
        h.update(b"no such folder\n")
        return h.hexdigest()
    for item in listing(folder, cache=cache):
        h.update(f"{item['sha256']}\t{item['bytes']}\t{item['name']}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def update_stamp(folder, stamp) -> bool:
    """Rewrite ``stamp`` with the digest of ``folder`` when it differs from the one it holds.

    The stamp is left untouched (its modification time too) when nothing changed, so targets that
    depend on it are not rebuilt. The hash cache lives beside it (``<stamp>-cache.json``). Returns
    whether the stamp was written.
    """
    stamp = Path(stamp)
    cache_path = stamp.with_name(stamp.name + "-cache.json")
    try:
        old = cache_path.read_text(encoding="utf-8")
        cache = json.loads(old)
    except (OSError, ValueError):  # absent or damaged: only costs hashing again
        old, cache = None, {}
    value = digest(folder, cache=cache)
    new = json.dumps(cache, sort_keys=True) + "\n"
    if new != old:
        with atomic_write(cache_path) as tmp:
            tmp.write_text(new, encoding="utf-8")
    text = f"{value}\n"
    try:
        if stamp.read_text(encoding="utf-8") == text:
            return False
    except (OSError, ValueError):
        pass
    with atomic_write(stamp) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return True
