"""The audit and access logs become tables partitioned by month (PostgreSQL declarative partitioning).

This migration also creates `grid_table_rebuild`, the SQL function that the partition migrations of the other apps
call: it rebuilds a table as partitioned by month on a timestamp column (or back as a plain table) keeping every row,
column, default, check, index, foreign key, trigger and the identity sequence. It is SQL so that the migrations carry
their own code and every app converts its tables the same way.

The rebuild takes an ACCESS EXCLUSIVE lock and copies the table: run it in a maintenance window on a large database.
On SQLite (`make run`) nothing happens.
"""

from django.conf import settings
from django.db import migrations

# Partitions are prepared this many months ahead of the current one; later months land in the DEFAULT partition.
MONTHS_AHEAD = 3

FUNCTION = r"""
CREATE OR REPLACE FUNCTION grid_table_rebuild(parent text, partition_key text, tz text, months_ahead integer, unique_per_month jsonb)
RETURNS void LANGUAGE plpgsql AS $fn$
-- partition_key set: rebuild `parent` as partitioned by month on it, with a DEFAULT partition.
-- partition_key null: rebuild it as a plain table again.
-- unique_per_month: {constraint name: [columns]}, the unique constraints without the partition key. PostgreSQL
-- cannot enforce them on a partitioned table, so they become a unique index on each partition, and come back as
-- constraints of those names when the table is rebuilt plain.
DECLARE
    rel regclass := parent::regclass;
    old text := parent || CASE WHEN partition_key IS NULL THEN '_partitioned' ELSE '_unpartitioned' END;
    index_defs text[];
    later text[];
    stmt text;
    item text;
    cols jsonb;
    first_month timestamp;
    this_month timestamp := date_trunc('month', now() AT TIME ZONE tz);
    month timestamp;
    part text;
    old_sequence text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = rel AND contype = 'f') THEN
        RAISE EXCEPTION '% is referenced by a foreign key constraint: make it db_constraint=False first', parent;
    END IF;
    IF partition_key IS NOT NULL AND (
        SELECT coalesce(array_agg(conname::text ORDER BY conname), '{}') FROM pg_constraint WHERE conrelid = rel AND contype = 'u'
    ) IS DISTINCT FROM (SELECT coalesce(array_agg(k ORDER BY k), '{}') FROM jsonb_object_keys(unique_per_month) k) THEN
        RAISE EXCEPTION 'the unique constraints of % are not the ones this migration expects: %', parent, unique_per_month;
    END IF;
    IF EXISTS (
        SELECT 1 FROM pg_index i WHERE i.indrelid = rel AND i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ) THEN
        RAISE EXCEPTION '% has a unique index that is no constraint: this rebuild does not know how to keep it', parent;
    END IF;

    -- What the new table needs again, read while the table still has its name (so the definitions name it).
    SELECT coalesce(array_agg(replace(pg_get_indexdef(indexrelid), ' ON ONLY ', ' ON ')), '{}') INTO index_defs
        FROM pg_index WHERE indrelid = rel AND NOT indisunique;
    SELECT coalesce(array_agg(format('ALTER TABLE %I ADD CONSTRAINT %I %s', parent, conname, pg_get_constraintdef(oid))), '{}') INTO later
        FROM pg_constraint WHERE conrelid = rel AND contype = 'f';
    later := later || (SELECT coalesce(array_agg(pg_get_triggerdef(oid)), '{}') FROM pg_trigger WHERE tgrelid = rel AND NOT tgisinternal AND tgparentid = 0);

    -- Free the names the new table takes (indexes are relations, named across the schema).
    FOR item IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = rel AND NOT i.indisunique LOOP
        EXECUTE format('DROP INDEX %I', item);
    END LOOP;
    FOR item IN SELECT conname FROM pg_constraint WHERE conrelid = rel AND contype IN ('p', 'u') LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', parent, item);
    END LOOP;
    EXECUTE format('ALTER TABLE %I RENAME TO %I', parent, old);
    EXECUTE format(
        'CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)',
        parent, old
    ) || CASE WHEN partition_key IS NULL THEN '' ELSE format(' PARTITION BY RANGE (%I)', partition_key) END;

    IF partition_key IS NOT NULL THEN
        EXECUTE format('SELECT date_trunc(''month'', min(%I) AT TIME ZONE %L) FROM %I', partition_key, tz, old) INTO first_month;
        first_month := least(coalesce(first_month, this_month), this_month);
        FOR month IN SELECT generate_series(first_month, this_month + make_interval(months => months_ahead), interval '1 month') LOOP
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                parent || '_p' || to_char(month, 'YYYYMM'), parent, month AT TIME ZONE tz, (month + interval '1 month') AT TIME ZONE tz
            );
        END LOOP;
        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', parent || '_default', parent);
    END IF;

    EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I', parent, old);
    -- The new identity sequence goes on from where the old one stopped: an id is never drawn twice.
    old_sequence := pg_get_serial_sequence(old, 'id');
    EXECUTE format('SELECT setval(%L, last_value, is_called) FROM %s', pg_get_serial_sequence(parent, 'id'), old_sequence);
    EXECUTE format('DROP TABLE %I', old);
    IF to_regclass(parent || '_id_seq') IS NULL THEN
        EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', pg_get_serial_sequence(parent, 'id'), parent || '_id_seq');
    END IF;

    IF partition_key IS NULL THEN
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id)', parent, parent || '_pkey');
        FOR item, cols IN SELECT key, value FROM jsonb_each(unique_per_month) LOOP
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I UNIQUE (%s)', parent, item,
                (SELECT string_agg(quote_ident(c), ', ' ORDER BY n) FROM jsonb_array_elements_text(cols) WITH ORDINALITY AS t(c, n)));
        END LOOP;
    ELSE
        -- PostgreSQL's rule: a partitioned table's primary key includes the partition key.
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id, %I)', parent, parent || '_pkey', partition_key);
        FOR part IN SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = parent::regclass LOOP
            FOR item, cols IN SELECT key, value FROM jsonb_each(unique_per_month) LOOP
                EXECUTE format('CREATE UNIQUE INDEX %I ON %I (%s)',
                    part || '_' || (SELECT string_agg(c, '_' ORDER BY n) FROM jsonb_array_elements_text(cols) WITH ORDINALITY AS t(c, n)) || '_uniq',
                    part,
                    (SELECT string_agg(quote_ident(c), ', ' ORDER BY n) FROM jsonb_array_elements_text(cols) WITH ORDINALITY AS t(c, n)));
            END LOOP;
        END LOOP;
    END IF;
    FOREACH stmt IN ARRAY index_defs || later LOOP
        EXECUTE stmt;
    END LOOP;
END;
$fn$;
"""

TABLES = [("governance_auditentry", "at"), ("governance_personaldatalog", "at")]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, column in TABLES:
        schema_editor.execute("SELECT grid_table_rebuild(%s, %s, %s, %s, '{}')", [table, column, settings.TIME_ZONE, MONTHS_AHEAD])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column in TABLES:
        schema_editor.execute("SELECT grid_table_rebuild(%s, NULL, NULL, NULL, '{}')", [table])
    schema_editor.execute("DROP FUNCTION grid_table_rebuild(text, text, text, integer, jsonb)")


class Migration(migrations.Migration):
    dependencies = [("governance", "0020_purpose_handle_booking")]

    operations = [migrations.RunPython(forwards, backwards)]
