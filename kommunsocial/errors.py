"""Errors that name the file, row and column a problem was found in."""

from __future__ import annotations

__all__ = ["KommunsocialError", "LoadError", "SchemaError", "SaltError"]


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


class SaltError(KommunsocialError, ValueError):
    """The pseudonymisation salt cannot be had: its file is missing or empty, or it was given on a command line."""
