import pytest
from django.db import connection

from mamori.policies.models import Section


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist only on PostgreSQL")
def test_section_search_uses_the_trigram_index_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'policies_section_%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
        assert names == {"policies_section_text_trgm", "policies_section_heading_trgm"}
        query = Section.objects.filter(text__icontains="個人情報").order_by().values("pk").query
        sql, params = query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "policies_section_text_trgm" in plan
