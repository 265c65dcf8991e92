"""What the report notebooks and the seminar call to *show* results; the measures live elsewhere.

``tone/``, ``engagement/`` and ``network/`` compute (their ``plots.py`` draws their own measures,
in the colours of :mod:`~kommunsocial.report.style`); this package turns data and measures into
what a reader sees:

============================  ===================================================================
module                        what it holds
============================  ===================================================================
:mod:`.run`                   run a notebook with papermill, convert it to HTML, write the index;
                              :func:`open_dataset` (the dataset a report works on)
:mod:`.header`                the header every report opens with (dataset, municipality, period,
                              parameters, data version, link to the index, synthetic or not)
:mod:`.render`                the one path from user text to HTML or Markdown (escaping), and
                              :func:`show` (a table, or a sentence when it has no rows)
:mod:`.sortable`              a table sorting on click, names in the Nordic alphabets' order
:mod:`.style`                 the one figure style: :func:`setup`, :func:`save`, the tone colours
                              (:data:`~.style.TONE_COLOURS`) and the other colours
:mod:`.quality`               data-quality tables (report 01)
:mod:`.quality_plots`         data-quality figures (report 01)
:mod:`.compare`               one row per municipality: the comparison table (report 05)
:mod:`.compare_plots`         its figures: municipalities as labelled points
:mod:`.seminar`               helpers of the seminar "Does tone matter?"
:mod:`.seminar_files`         its files: the printable coding sheet, the exports a pair saves,
                              and :func:`~.seminar_files.collect` for the teacher
============================  ===================================================================

>>> import kommunsocial as ks
>>> ds = ks.report.open_dataset("sample")                      # doctest: +SKIP
>>> ks.report.save(ks.report.quality_plots.posts_per_month(ds), "out", "posts")   # doctest: +SKIP
"""

from __future__ import annotations

import importlib

__all__ = ["run", "header", "render", "sortable", "style", "quality", "quality_plots", "compare", "compare_plots",
           "seminar", "seminar_files", "open_dataset", "show", "save"]

_MODULES = {"run", "header", "render", "sortable", "style", "quality", "quality_plots", "compare", "compare_plots",
            "seminar", "seminar_files"}
#: The functions every notebook calls, by the module that defines them.
_FUNCTIONS = {"open_dataset": "run", "show": "render", "save": "style"}


def __getattr__(name):
    # figures import matplotlib and the seminar statsmodels: load each module on first use
    if name in _MODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _FUNCTIONS:
        value = getattr(importlib.import_module(f".{_FUNCTIONS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kommunsocial.report' has no attribute {name!r}")
