"""On PostgreSQL, triggers reject UPDATE and DELETE on the ledger tables (等保 2.0: audit records protected from
alteration and deletion). SQLite has no such protection; there `gongzhi ledger verify` detects changes."""

from django.db import migrations

TABLES = ("ledger_auditevent", "ledger_leaf", "ledger_treenode", "ledger_checkpoint", "ledger_disclosure")

FUNCTION = """
CREATE OR REPLACE FUNCTION gongzhi_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, None)  # no parameters: the % are plpgsql placeholders
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION gongzhi_ledger_append_only()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS gongzhi_ledger_append_only()")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_merkle_log")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
