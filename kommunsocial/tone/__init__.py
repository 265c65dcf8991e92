"""Tone of municipal posts: a transparent formality index, a trainable classifier, hand-coding tools.

>>> import kommunsocial as ks
>>> ks.tone.score(["Härmed kallas till sammanträde."], lang="sv")["tone"].tolist()
['formal']
"""

from __future__ import annotations

from . import calibration, coding, reliability
from .classifier import ToneClassifier
from . import features, resources
from .index import explain, score
from .tagging import add_tone

__all__ = ["score", "explain", "ToneClassifier", "calibration", "coding", "reliability", "add_tone", "features", "resources"]
