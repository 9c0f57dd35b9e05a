"""Who may read which policy document and section.

A document's audience is public, all staff, or restricted to named roles, named units (and their
sub-units) and, for 実施手順, the 情報システム管理者・担当者 whose scope covers the document's owner unit.
The policy office, the committee, the CISO side and the auditors read every document
(``policies.read_all``), because they draft, review, approve and audit them. A section may narrow its
document's audience further; it never widens it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from mamori.core.models import Person, RoleAssignment
from mamori.core.permissions import has_role, person_of, roles_for
from mamori.policies.models import Audience, PolicyDocument, Section, SectionAudience

SYSTEM_ROLES = ("system_manager", "system_operator")


@dataclass(frozen=True)
class Viewer:
    """What the visibility rules need to know about one user, computed once per request."""

    is_person: bool
    reads_all: bool
    unit_path: str
    unit_ancestor_ids: frozenset[int]
    role_codes: frozenset[str]
    system_scope_paths: tuple[str | None, ...]


ANONYMOUS = Viewer(False, False, "", frozenset(), frozenset(), ())


def viewer_for(user: object) -> Viewer:
    """Return the viewer facts for ``user`` (anonymous and person-less accounts see public text only)."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Viewer(True, True, "", frozenset(), frozenset(), ())
    person = person_of(user)
    if not isinstance(person, Person):
        return ANONYMOUS
    assignments = list(
        RoleAssignment.objects.current(timezone.localdate())
        .filter(person=person)
        .select_related("role", "unit")
    )
    codes = frozenset(a.role.code for a in assignments)
    system_paths = tuple(
        (a.unit.path if a.unit is not None else None) for a in assignments if a.role.code in SYSTEM_ROLES
    )
    path = person.unit.path
    ancestors = frozenset(int(part) for part in path.strip("/").split("/") if part)
    return Viewer(
        is_person=True,
        reads_all=has_role(user, *roles_for("policies.read_all")),
        unit_path=path,
        unit_ancestor_ids=ancestors,
        role_codes=codes,
        system_scope_paths=system_paths,
    )


def _system_manager_q(viewer: Viewer, owner_field: str) -> Q:
    condition = Q(pk__in=[])
    for path in viewer.system_scope_paths:
        if path is None:
            condition |= Q(**{f"{owner_field}__isnull": False})
        else:
            condition |= Q(**{f"{owner_field}__path__startswith": path})
    return condition


def document_filter(viewer: Viewer) -> Q | None:
    """Return a Q selecting the documents ``viewer`` may know about; None means every document."""
    if viewer.reads_all:
        return None
    if not viewer.is_person:
        return Q(audience=Audience.PUBLIC)
    restricted = (
        Q(audience_units__in=viewer.unit_ancestor_ids)
        | Q(audience_roles__code__in=viewer.role_codes)
        | (Q(include_system_managers=True) & _system_manager_q(viewer, "owner_unit"))
    )
    return Q(audience__in=[Audience.PUBLIC, Audience.STAFF]) | (Q(audience=Audience.RESTRICTED) & restricted)


def visible_documents(
    user: object, queryset: QuerySet[PolicyDocument] | None = None
) -> QuerySet[PolicyDocument]:
    """Return the documents ``user`` may know exist."""
    qs = queryset if queryset is not None else PolicyDocument.objects.all()
    condition = document_filter(viewer_for(user))
    if condition is None:
        return qs
    ids = PolicyDocument.objects.filter(condition).values("pk")
    return qs.filter(pk__in=ids)


def _in_restricted(viewer: Viewer, role_codes: set[str], unit_ids: set[int]) -> bool:
    if viewer.unit_ancestor_ids & unit_ids:
        return True
    return bool(viewer.role_codes & role_codes)


def admits_document(viewer: Viewer, document: PolicyDocument) -> bool:
    """Return True when ``viewer`` may read ``document`` (same rule as :func:`document_filter`)."""
    if viewer.reads_all or document.audience == Audience.PUBLIC:
        return True
    if not viewer.is_person:
        return False
    if document.audience == Audience.STAFF:
        return True
    roles = {r.code for r in document.audience_roles.all()}
    units = {u.pk for u in document.audience_units.all()}
    if _in_restricted(viewer, roles, units):
        return True
    if document.include_system_managers and document.owner_unit is not None:
        owner_path = document.owner_unit.path
        return any(p is None or owner_path.startswith(p) for p in viewer.system_scope_paths)
    return False


def admits_section(viewer: Viewer, section: Section) -> bool:
    """Return True when ``viewer`` may read ``section`` (the document check is done by the caller)."""
    if viewer.reads_all or section.audience == SectionAudience.INHERIT:
        return True
    if section.audience == SectionAudience.PUBLIC:
        return True
    if not viewer.is_person:
        return False
    if section.audience == SectionAudience.STAFF:
        return True
    roles = {r.code for r in section.audience_roles.all()}
    units = {u.pk for u in section.audience_units.all()}
    return _in_restricted(viewer, roles, units)


def is_public_section(section: Section) -> bool:
    """Return True when anonymous readers may see ``section`` of a public document."""
    return section.audience in (SectionAudience.INHERIT, SectionAudience.PUBLIC)


def addressed_people(document: PolicyDocument) -> QuerySet[Person]:
    """Return the active staff a document addresses, who must read and confirm each new version."""
    people = Person.objects.filter(is_active=True)
    if document.body_id is not None:
        people = people.filter(unit__body_id=document.body_id)
    if document.audience in (Audience.PUBLIC, Audience.STAFF):
        return people
    condition = Q(pk__in=[])
    for unit in document.audience_units.all():
        condition |= Q(unit__path__startswith=unit.path)
    roles = [r.code for r in document.audience_roles.all()]
    if roles:
        holders = RoleAssignment.objects.current().filter(role__code__in=roles).values("person")
        condition |= Q(pk__in=holders)
    if document.include_system_managers and document.owner_unit is not None:
        owner = document.owner_unit
        scopes = Q(unit__isnull=True)
        for ancestor_id in (int(p) for p in owner.path.strip("/").split("/") if p):
            scopes |= Q(unit_id=ancestor_id)
        managers = (
            RoleAssignment.objects.current()
            .filter(role__code__in=SYSTEM_ROLES)
            .filter(scopes)
            .values("person")
        )
        condition |= Q(pk__in=managers)
    return Person.objects.filter(is_active=True).filter(condition).distinct()
