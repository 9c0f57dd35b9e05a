"""Self-inspection (自己点検) and audit (監査): catalogue, campaigns, audits, findings, corrective actions.

Glossary (Japanese term → identifier):
  点検項目 → ChecklistItem; 点検項目の版 → CatalogueVersion; 回答者区分 → RespondentType;
  自己点検（年度の実施） → Campaign; 点検票（一人分・一組織分） → AnswerSheet; 回答 → Answer;
  実施 / 一部実施 / 未実施 / 該当なし → AnswerValue.DONE / PARTIAL / NOT_DONE / NOT_APPLICABLE;
  証跡 → Evidence; 差戻し → return; 承認 → accept; 監査計画 → AuditPlan; 監査項目 → AuditItem;
  監査人の割当 → AuditorAssignment; 実地調査メモ → FieldworkNote; 指摘事項 → Finding; 重要度 → severity;
  是正措置 → CorrectiveAction; 確認 → verify; 年度 → fiscal_year; 見直し → review.
"""

from mamori.inspections.models.audits import AuditItem, AuditorAssignment, AuditPlan, FieldworkNote
from mamori.inspections.models.campaigns import (
    Answer,
    AnswerSheet,
    AnswerValue,
    Campaign,
    CampaignItem,
    Evidence,
)
from mamori.inspections.models.catalogue import CatalogueVersion, ChecklistItem, RespondentType
from mamori.inspections.models.findings import CorrectiveAction, Finding

__all__ = [
    "Answer",
    "AnswerSheet",
    "AnswerValue",
    "AuditItem",
    "AuditPlan",
    "AuditorAssignment",
    "Campaign",
    "CampaignItem",
    "CatalogueVersion",
    "ChecklistItem",
    "CorrectiveAction",
    "Evidence",
    "FieldworkNote",
    "Finding",
    "RespondentType",
]
