"""Engagement: per-post metrics, Bonsón et al.'s page metrics, topics and count models."""

from . import plots
from .content import content_words
from .metrics import WEEKDAYS, page_metrics, post_metrics
from .models import (FEW_CLUSTERS, MIN_CLUSTERS, TONE_TERM, CountModelResult, ModelError, NotEstimable, UnsupportedModel,
                     compare_models, fit, irr_table, tone_effect)
from .notes import MIN_MODEL_POSTS, NotFitted, count_summary, data_notes, fit_or_explain, has_followers, prose, \
    shown_page_metrics
from .service_areas import TopicError
from .topics import METHODS as TOPIC_METHODS, REGISTER_WARNING, TOPIC_MIN_POSTS, topic_tone_table, topics
from .correction import corrected_fit
from .recovery import RecoveryCheck, recovery_check

__all__ = ["post_metrics", "page_metrics", "data_notes", "fit_or_explain", "NotFitted", "prose", "has_followers",
           "shown_page_metrics", "count_summary", "MIN_MODEL_POSTS", "TOPIC_MIN_POSTS", "fit", "irr_table",
           "compare_models", "tone_effect", "topics", "topic_tone_table", "content_words", "TOPIC_METHODS",
           "REGISTER_WARNING", "TopicError", "plots",
           "WEEKDAYS", "TONE_TERM", "MIN_CLUSTERS", "FEW_CLUSTERS", "CountModelResult", "ModelError", "NotEstimable",
           "UnsupportedModel", "corrected_fit", "recovery_check", "RecoveryCheck"]
