"""The facilitators' review queue (see `registry`): apps register their kinds of item awaiting review."""

from .registry import (
    APPROVE,
    REJECT,
    Comparison,
    DecisionReport,
    ReviewDetail,
    ReviewItem,
    ReviewKind,
    kind_for,
    kinds,
    kinds_for,
    pending_counts,
    register_kind,
    review_decide,
)

__all__ = [
    "APPROVE",
    "REJECT",
    "Comparison",
    "DecisionReport",
    "ReviewDetail",
    "ReviewItem",
    "ReviewKind",
    "kind_for",
    "kinds",
    "kinds_for",
    "pending_counts",
    "register_kind",
    "review_decide",
]
