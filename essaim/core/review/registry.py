"""The facilitators' review queue: one queue, each app registers its kinds of item.

Core imports no app. An app declares each kind of item awaiting a facilitator's decision as a class, and
registers it from its `AppConfig.ready()` by dotted path (nothing is imported before the queue is shown):

    review.register_kind("essaim.directory.review.ClaimReview", order=10)

A kind (see `ReviewKind`) says how many items wait, lists them, shows one side by side (what is proposed
next to what the platform holds), and approves or rejects one item through the app's own services. The
queue (`essaim.core.views` under /animation/a-examiner/) lists the kinds with their counts, an item list per
kind with bulk decisions, and the side-by-side page; bulk decisions take each item in its own transaction
(`review_decide`), so that one refused item never undoes the others. Who may decide: the named rule
`kind.rule` (by default `core.review`, the facilitators), checked by the views.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.db import transaction
from django.utils.module_loading import import_string

from essaim.core.errors import DomainError, NotFoundError

APPROVE, REJECT = "approve", "reject"
MAX_REASON = 1000


@dataclass(frozen=True)
class ReviewItem:
    """One line of a kind's list."""

    pk: int
    title: str
    summary: str = ""
    submitted_at: datetime | None = None
    submitted_by: str = ""  # a person ("Marie Dupont <marie@rejoue.fr>") or a source ("Import SIRENE")


@dataclass(frozen=True)
class Comparison:
    """One row of the side-by-side details: what is proposed, what the platform holds now."""

    label: str
    proposed: str
    current: str = ""

    @property
    def differs(self) -> bool:
        return bool(self.current) and self.proposed.strip() != self.current.strip()


@dataclass(frozen=True)
class ReviewDetail:
    item: ReviewItem
    rows: list[Comparison]
    proposed_heading: str = "Proposé"
    current_heading: str = "Sur la plateforme"
    notes: list[str] = field(default_factory=list)  # what the reviewer should know (French)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the profile, the edit page


class ReviewKind:
    """Base of a kind of item awaiting review. Subclasses set the class attributes and the five methods."""

    slug: ClassVar[str]  # in URLs: "rattachements"
    label: ClassVar[str]  # plural heading: "Demandes de rattachement"
    description: ClassVar[str] = ""
    rule: ClassVar[str] = "core.review"
    approve_label: ClassVar[str] = "Accepter"
    reject_label: ClassVar[str] = "Refuser"
    # False when the app's own home provider already lists the items (the queue still counts them).
    on_home: ClassVar[bool] = True

    def count(self) -> int:
        raise NotImplementedError

    def items(self, *, offset: int, limit: int) -> list[ReviewItem]:
        """Pending items, oldest first."""
        raise NotImplementedError

    def detail(self, pk: int) -> ReviewDetail | None:
        """The item side by side, or None when it is no longer pending."""
        raise NotImplementedError

    def approve(self, *, actor: Any, pk: int) -> str:
        """Approve one item through the app's service; return what happened, in French. Raise a
        DomainError (NotFoundError when it is no longer pending) to refuse."""
        raise NotImplementedError

    def reject(self, *, actor: Any, pk: int, reason: str) -> str:
        """Reject one item; `reason` (possibly empty) is told to whoever asked."""
        raise NotImplementedError


_kinds: dict[str, int] = {}


def register_kind(path: str, *, order: int) -> None:
    """`path` names a `ReviewKind` subclass; lower `order` first in the queue."""
    _kinds[path] = order


def kinds() -> list[ReviewKind]:
    return [import_string(path)() for path in sorted(_kinds, key=lambda p: (_kinds[p], p))]


def kind_for(slug: str) -> ReviewKind | None:
    return next((kind for kind in kinds() if kind.slug == slug), None)


def kinds_for(user: Any) -> list[ReviewKind]:
    """The kinds this person may decide on."""
    return [kind for kind in kinds() if user.has_perm(kind.rule)]


def pending_counts(user: Any) -> list[tuple[ReviewKind, int]]:
    """(kind, pending items) for each kind this person may decide on: the queue's summary and badges."""
    return [(kind, kind.count()) for kind in kinds_for(user)]


@dataclass
class DecisionReport:
    done: list[str] = field(default_factory=list)  # what happened, per item (French)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (pk, French reason)


def review_decide(
    *, kind: ReviewKind, actor: Any, pks: Sequence[int], decision: str, reason: str = ""
) -> DecisionReport:
    """Approve or reject each item in its own transaction; an item refused is reported, the others go on."""
    if decision not in (APPROVE, REJECT):
        raise DomainError("Décision inconnue.", field="decision")
    if not pks:
        raise DomainError("Cochez au moins un élément.", field="items")
    reason = reason.strip()[:MAX_REASON]
    report = DecisionReport()
    for pk in dict.fromkeys(pks):
        try:
            with transaction.atomic():
                if decision == APPROVE:
                    report.done.append(kind.approve(actor=actor, pk=pk))
                else:
                    report.done.append(kind.reject(actor=actor, pk=pk, reason=reason))
        except NotFoundError:
            report.refused.append((pk, "Déjà traité ou introuvable."))
        except DomainError as error:
            report.refused.append((pk, error.message))
    return report
