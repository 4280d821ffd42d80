"""What the ORM cannot declare: the sync bookkeeping row, triggers that make the audit
log insert-only in the database itself, and (PostgreSQL) a trigram index for the
conversation list's free-text search."""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

PG_AUDIT = [
    """CREATE OR REPLACE FUNCTION staff_audit_readonly() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log cannot be changed'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER staff_audit_no_change BEFORE UPDATE OR DELETE ON staff_auditentry
       FOR EACH ROW EXECUTE FUNCTION staff_audit_readonly()""",
    """CREATE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_readonly()""",
]
SQLITE_AUDIT = [
    """CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
    """CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
]
PG_SEARCH = (
    "CREATE INDEX IF NOT EXISTS conv_search_trgm ON staff_conversation "
    "USING gin (search_text gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    apps.get_model("staff", "SyncState").objects.get_or_create(pk=1)
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for sql in PG_AUDIT if vendor == "postgresql" else SQLITE_AUDIT:
            cursor.execute(sql)
        if vendor == "postgresql":
            try:
                with transaction.atomic(using=schema_editor.connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute(PG_SEARCH)
            except Exception as error:  # search still works, by a sequential scan
                logger.warning("no trigram index for search (%s)", type(error).__name__)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS conv_search_trgm")
            cursor.execute("DROP TRIGGER IF EXISTS staff_audit_no_change ON staff_auditentry")
            cursor.execute("DROP TRIGGER IF EXISTS staff_audit_no_truncate ON staff_auditentry")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS staff_audit_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS staff_audit_no_delete")


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
