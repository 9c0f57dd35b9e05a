"""Who may see which quarantined message and decide which release: the one door for this app.

Staff see mail addressed to them; 情報セキュリティ管理者 see their unit's (and 責任者 their department's);
the CISO, 統括 and administrators see all. Views answer 404 for anything else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from mamori.core.permissions import can, person_of, scope_filter
from mamori.quarantine.models import MessageRecipient, QuarantinedMessage, ReleaseRequest

RULES: dict[str, set[str]] = {
    # Seeing other people's quarantined mail (metadata and the sanitization report).
    "quarantine.view": {"security_manager", "security_officer", "chief", "ciso"},
    # Deciding release requests for recipients in the unit.
    "quarantine.approve_release": {"security_manager", "security_officer", "chief", "ciso"},
    # Operations: the volume dashboard, legal holds.
    "quarantine.operate": {"policy_office", "chief", "ciso", "csirt", "system_manager"},
}


def visible_messages(user: object) -> QuerySet[QuarantinedMessage]:
    """Return the messages ``user`` may see."""
    messages = QuarantinedMessage.objects.all()
    scope = scope_filter(user, "quarantine.view", unit_field="recipients__unit")
    if scope is not None and not scope.children:
        return messages  # everywhere (an empty Q would be dropped when combined below)
    condition = Q(pk__in=[])
    person = person_of(user)
    if person is not None:
        condition |= Q(recipients__person=person)
    if scope is not None:
        condition |= scope
    ids = QuarantinedMessage.objects.filter(condition).values("pk")
    return messages.filter(pk__in=ids)


def get_message_for(user: object, reference: str) -> QuarantinedMessage:
    """Return the message with this reference when ``user`` may see it; 404 otherwise."""
    message = visible_messages(user).filter(reference=reference).first()
    if message is None:
        raise Http404
    return message


def own_recipient(user: object, message: QuarantinedMessage) -> MessageRecipient | None:
    """Return the user's own recipient entry on the message (only recipients may ask for release)."""
    person = person_of(user)
    if person is None:
        return None
    return message.recipients.filter(person=person).select_related("unit").first()


def can_decide(user: object, release: ReleaseRequest) -> bool:
    """Tell whether ``user`` may approve or deny the request (never their own)."""
    if release.requested_by_id == getattr(user, "pk", None):
        return False
    return can(user, "quarantine.approve_release", release)


def visible_releases(user: object) -> QuerySet[ReleaseRequest]:
    """Return the release requests ``user`` made or may decide."""
    requests = ReleaseRequest.objects.select_related("message", "attachment", "recipient", "requested_by")
    scope = scope_filter(user, "quarantine.approve_release", unit_field="recipient__unit")
    if scope is not None and not scope.children:
        return requests
    condition = Q(requested_by=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if scope is not None:
        condition |= scope
    return requests.filter(condition)


def get_release_for(user: object, pk: int) -> ReleaseRequest:
    """Return the release request when ``user`` made it or may decide it; 404 otherwise."""
    release = visible_releases(user).filter(pk=pk).first()
    if release is None:
        raise Http404
    return release
