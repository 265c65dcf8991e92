"""kommunsocial: tone, engagement and interaction networks of municipal social media.

>>> import kommunsocial as ks
>>> ds = ks.load("data/raw/sample")                       # doctest: +SKIP
>>> ks.tone.score(ds.posts["text"])                        # doctest: +SKIP
"""

from __future__ import annotations

import importlib

from ._version import __version__  # noqa: E402

from .errors import KommunsocialError, LoadError, SchemaError  # noqa: E402
from .ingest import ingest, load  # noqa: E402
from .schema import Dataset  # noqa: E402

__all__ = ["Dataset", "load", "ingest", "query", "LoadError", "SchemaError", "KommunsocialError", "__version__",
           "sample", "tone", "engagement", "network", "report", "io", "clean", "privacy", "config", "spreadsheet"]

_LAZY = {"sample", "tone", "engagement", "network", "report", "io", "clean", "privacy", "config", "schema",
         "spreadsheet", "sql"}


def __getattr__(name):
    # analysis modules import heavy libraries (scikit-learn, statsmodels): load them on first use
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name == "query":  # SQL over the processed Parquet (DuckDB, imported on first use)
        from .sql import query

        globals()[name] = query
        return query
    raise AttributeError(f"module 'kommunsocial' has no attribute {name!r}")
