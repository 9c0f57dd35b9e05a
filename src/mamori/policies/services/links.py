"""Links from policy sections (or 対策基準 codes) to the items of other registers."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from mamori.policies.models import (
    Section,
    SectionLink,
    StandardSection,
    VersionStatus,
)
from mamori.policies.services._common import PolicyActionError

# --- links for other registers ----------------------------------------------------------------------


@transaction.atomic
def link_item(
    *,
    actor: object,
    item: models.Model,
    kind: str,
    section_code: str | None = None,
    section: Section | None = None,
) -> SectionLink:
    """Link an asset, a self-inspection item or an audit item to a 対策基準 code or a document section."""
    if (section_code is None) == (section is None):
        raise PolicyActionError("target", "対策基準の節番号か文書の節のどちらか一方を指定してください。")
    standard = None
    document = None
    lineage = None
    if section_code is not None:
        standard = StandardSection.objects.filter(code=section_code).first()
        if standard is None:
            raise PolicyActionError("unknown_section", f"対策基準の節「{section_code}」がありません。")
    else:
        assert section is not None
        document = section.version.document
        lineage = section.lineage
    link, _ = SectionLink.objects.get_or_create(
        standard_section=standard,
        document=document,
        section_lineage=lineage,
        target_type=ContentType.objects.get_for_model(item),
        target_id=str(item.pk),
        defaults={"kind": kind},
    )
    return link


def links_for(*, section_code: str | None = None, section: Section | None = None) -> list[SectionLink]:
    """Return the items linked to a 対策基準 code (including its sections in force) or to one section."""
    if section is not None:
        condition = models.Q(document=section.version.document, section_lineage=section.lineage)
        if section.standard_section_id:
            condition |= models.Q(standard_section_id=section.standard_section_id)
        return list(SectionLink.objects.filter(condition).select_related("target_type"))
    return list(SectionLink.objects.filter(standard_section__code=section_code).select_related("target_type"))


def sections_for_code(section_code: str) -> list[Section]:
    """Return the sections in force that implement a 対策基準 code (for display by other apps)."""
    return list(
        Section.objects.filter(
            standard_section__code=section_code, version__status=VersionStatus.IN_FORCE
        ).select_related("version", "version__document")
    )
