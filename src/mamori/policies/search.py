"""Full-text search over the sections in force that a user may read, with the hit highlighted.

Japanese needs no stemming, and a word can sit anywhere inside a run of kanji, so the search is a
substring match on every term: ILIKE on PostgreSQL, LIKE on SQLite (both through ``icontains``).
Visibility is applied before anything is shown: documents through the audience filter in the query,
sections through the same rule in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mamori.policies.access import record_read_if_private
from mamori.policies.audience import admits_section, viewer_for, visible_documents
from mamori.policies.models import Section, VersionStatus

MAX_TERMS = 8  # more terms than this adds nothing but query cost
MAX_QUERY_CHARS = 200
MAX_RESULTS = 100
SNIPPET_CHARS = 60


@dataclass(frozen=True)
class SearchHit:
    section: Section
    heading: SafeString
    snippet: SafeString


def terms_of(query: str) -> list[str]:
    """Split a query on spaces (half and full width) into at most MAX_TERMS terms."""
    return [t for t in query[:MAX_QUERY_CHARS].replace("\u3000", " ").split() if t][:MAX_TERMS]


def highlight(text: str, terms: list[str]) -> SafeString:
    """Return ``text`` escaped, with every occurrence of a term wrapped in <mark>."""
    lowered = text.lower()
    marks = [False] * len(text)
    for term in terms:
        needle = term.lower()
        start = lowered.find(needle)
        while needle and start != -1:
            for i in range(start, start + len(needle)):
                marks[i] = True
            start = lowered.find(needle, start + len(needle))
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and marks[j] == marks[i]:
            j += 1
        chunk = escape(text[i:j])
        out.append(f"<mark>{chunk}</mark>" if marks[i] else chunk)
        i = j
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def _snippet(text: str, terms: list[str]) -> str:
    lowered = text.lower()
    positions = [lowered.find(t.lower()) for t in terms if lowered.find(t.lower()) != -1]
    if not positions:
        return text[: SNIPPET_CHARS * 2]
    first = min(positions)
    start = max(0, first - SNIPPET_CHARS)
    end = min(len(text), first + SNIPPET_CHARS * 2)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def audit_private_hits(hits: list[SearchHit], query: str) -> None:
    """Record one read per non-public document whose text a search result showed."""
    seen: set[int] = set()
    for hit in hits:
        document = hit.section.version.document
        if document.pk in seen:
            continue
        seen.add(document.pk)
        record_read_if_private(document, hit.section.version, f"検索結果（{query[:50]}）")


def search_sections(user: object, query: str) -> list[SearchHit]:
    """Return the readable sections in force that contain every term of ``query``."""
    terms = terms_of(query)
    if not terms:
        return []
    sections = Section.objects.filter(
        version__status=VersionStatus.IN_FORCE, version__document__in=visible_documents(user).values("pk")
    )
    for term in terms:
        sections = sections.filter(
            Q(heading__icontains=term) | Q(text__icontains=term) | Q(full_number__icontains=term)
        )
    sections = (
        sections.select_related("version", "version__document")
        .prefetch_related("audience_roles", "audience_units")
        .order_by("version__document__layer", "version__document_id", "order")
    )
    viewer = viewer_for(user)
    hits = []
    for section in sections[: MAX_RESULTS * 3]:
        if not admits_section(viewer, section):
            continue
        hits.append(
            SearchHit(
                section=section,
                heading=highlight(f"{section.full_number}　{section.heading}".strip("　"), terms),
                snippet=highlight(_snippet(section.text, terms), terms),
            )
        )
        if len(hits) >= MAX_RESULTS:
            break
    return hits
