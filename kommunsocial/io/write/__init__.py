"""Writers of raw exports: one module per format, the counterpart of the readers in
:mod:`kommunsocial.io`. The sample generator writes its corpus with them and the benchmarks write
their large files with them; each writer writes what the platform's export really looks like, and
what it writes the reader reads back (``tests/formats/test_io_write.py``).

>>> files = write(pages, posts, comments, "data/raw/mystudy", format="x_v2")   # doctest: +SKIP

Formats (``FORMATS``):

==================  ===============================================  ====================================
format              files                                             module
==================  ===============================================  ====================================
``csv``             ``pages.csv``, ``posts.csv``, ``comments.csv``   :mod:`.own` (kommunsocial's layout)
``graph_api``       ``posts.json``, ``comments.jsonl``               :mod:`.graph_api`
``graph_api_jsonl`` ``posts.jsonl``, ``comments.jsonl``              :mod:`.graph_api`
``crowdtangle``     ``crowdtangle.csv`` (posts only)                 :mod:`.crowdtangle`
``x_v2``            ``tweets.jsonl`` (twarc2 response pages)         :mod:`.x_v2`
``x_v2_flat``       ``tweets.jsonl`` (``twarc2 flatten``)            :mod:`.x_v2`
==================  ===============================================  ====================================

Each module's docstring says which data-model columns its format cannot carry.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from .x_v2 import as_tweets

__all__ = ["FORMATS", "write", "as_tweets"]

#: format -> (module, keyword arguments of its ``write``)
FORMATS = {
    "csv": ("own", {}),
    "graph_api": ("graph_api", {}),
    "graph_api_jsonl": ("graph_api", {"posts_jsonl": True}),
    "crowdtangle": ("crowdtangle", {}),
    "x_v2": ("x_v2", {"layout": "pages"}),
    "x_v2_flat": ("x_v2", {"layout": "flat"}),
}


def write(pages: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame, folder, *,
          format: str = "csv") -> list[Path]:
    """Write data-model tables as the export files of ``format`` in ``folder`` (created if needed).

    Parameters
    ----------
    pages, posts, comments : tables in the data model's shape (``docs/data-model.md``); a raw
        corpus's extra columns (``handle``, ``url``, per-type reactions, the commenters'
        ``author_platform_id`` / ``author_name``) are used where the format has them.
    folder : where the files go.
    format : a key of :data:`FORMATS`.

    Returns
    -------
    list of Path : the files written, in a fixed order.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; available: {', '.join(map(repr, FORMATS))}")
    module, kwargs = FORMATS[format]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return importlib.import_module(f".{module}", __name__).write(pages, posts, comments, folder, **kwargs)
