"""Errors that name the file, row and column a problem was found in."""

from __future__ import annotations

__all__ = ["KommunsocialError", "LoadError", "SchemaError", "DatasetError", "DatasetMissingError", "SaltError"]


class KommunsocialError(Exception):
    """Base class of every error kommunsocial raises on purpose."""


class LoadError(KommunsocialError, ValueError):
    """A raw export that cannot be read as claimed.

    The message always starts with the file's name and, where known, the row
    (1-based record number) and column, then says what was expected.

    >>> str(LoadError("posts.csv", "negative count -3", row=4, column="n_likes"))
    "posts.csv, row 4, column 'n_likes': negative count -3"
    """

    def __init__(self, file, message, *, row=None, column=None):
        self.file = str(file)
        self.row = row
        self.column = column
        self.message = message
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


class SchemaError(KommunsocialError, ValueError):
    """A table that breaks the data model (wrong column, dtype or value)."""

    def __init__(self, table, message, *, column=None, rows=None):
        self.table = table
        self.column = column
        self.rows = list(rows) if rows is not None else []
        where = f"table {table!r}" + (f", column {column!r}" if column else "")
        shown = ""
        if self.rows:
            head = ", ".join(str(r) for r in self.rows[:5])
            more = f" and {len(self.rows) - 5} more" if len(self.rows) > 5 else ""
            shown = f" (rows {head}{more})"
        super().__init__(f"{where}: {message}{shown}")


class DatasetError(KommunsocialError):
    """A processed dataset folder that is incomplete or inconsistent with its ``manifest.json``.

    The message names the folder and, where one is at fault, the file, then what is wrong and
    what to do.

    >>> str(DatasetError("data/processed/x", "size 10 bytes, manifest says 12", file="pages.parquet"))
    'data/processed/x, file pages.parquet: size 10 bytes, manifest says 12'
    """

    def __init__(self, folder, message, *, file=None):
        self.folder = str(folder)
        self.file = None if file is None else str(file)
        self.message = message
        where = self.folder + (f", file {self.file}" if self.file is not None else "")
        super().__init__(f"{where}: {message}")


class DatasetMissingError(DatasetError, FileNotFoundError):
    """No processed dataset (or a file of one) where one was expected."""


class SaltError(KommunsocialError, ValueError):
    """The pseudonymisation salt cannot be had: its file is missing or empty, or it was given on a command line."""
