"""What directory search needs on PostgreSQL, and nothing on SQLite (the embedded demo).

- A trigger keeps `search_vector` = name (weight A) + approved bio (weight B), English config,
  on every insert and on every update that writes the name, the bio or the vector itself (a
  full `save()` writes them all; `update(is_live=...)` writes none and costs nothing).
- A GIN index on it for full-text search.
- GIN indexes (jsonb_path_ops) on the lists the public filters by, for `@>` containment.
- A partial index of the live profiles, so counting them for a results page reads the index.

Declared as raw SQL guarded by the database vendor, because Django's GinIndex would be created
on SQLite too and fail there; the model state does not know these indexes, so
`makemigrations --check` stays clean.
"""

from django.db import migrations

TABLE = "directory_directoryprofile"

FORWARD = [
    f"""
    CREATE FUNCTION directory_profile_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('pg_catalog.english', coalesce(NEW.display_name, '')), 'A') ||
            setweight(to_tsvector('pg_catalog.english', coalesce(NEW.bio, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER directory_profile_search_vector
    BEFORE INSERT OR UPDATE OF display_name, bio, search_vector ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION directory_profile_search_vector()
    """,
    f"UPDATE {TABLE} SET search_vector = NULL",
    f"CREATE INDEX directory_profile_search ON {TABLE} USING GIN (search_vector)",
    f"CREATE INDEX directory_profile_specialties ON {TABLE} USING GIN (specialties jsonb_path_ops)",
    f"CREATE INDEX directory_profile_languages ON {TABLE} USING GIN (languages jsonb_path_ops)",
    f"CREATE INDEX directory_profile_states ON {TABLE} USING GIN (states_licensed jsonb_path_ops)",
    # Counting the live profiles (every results page) from the index alone.
    f"CREATE INDEX directory_profile_live ON {TABLE} (id) WHERE is_live",
]
BACKWARD = [
    "DROP INDEX IF EXISTS directory_profile_live",
    "DROP INDEX IF EXISTS directory_profile_states",
    "DROP INDEX IF EXISTS directory_profile_languages",
    "DROP INDEX IF EXISTS directory_profile_specialties",
    "DROP INDEX IF EXISTS directory_profile_search",
    f"DROP TRIGGER IF EXISTS directory_profile_search_vector ON {TABLE}",
    "DROP FUNCTION IF EXISTS directory_profile_search_vector()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
