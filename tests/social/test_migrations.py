"""Moving the graph from users to social (social 0001, users 0004) moves no row.

The database is taken back to the migration state before the move, filled through `seed_demo`
(plus a few blocks and mutes, which the demo does not make), and migrated forward again: every
table keeps its row count and its rows, and the social models read the rows users wrote.
"""

from io import StringIO

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from social.services import block_create, mute_create
from users.models import CustomUser

# The newest users migration before the move; social did not exist yet.
USERS_BEFORE = ("users", "0003_display_name_characters")
MOVE = [("social", "0001_graph"), ("users", "0004_graph_moved_to_social")]
GRAPH = {
    "Follow": ("follower", "followee"),
    "Block": ("blocker", "blocked"),
    "Mute": ("muter", "muted"),
}


def leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before_move(newest: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """Every app at its newest migration, except users before the move and no social at all."""
    others = [node for node in newest if node[0] not in {"users", "social"}]
    return [*others, USERS_BEFORE, ("social", None)]


def migrate(targets):
    """Migrate to targets and return the models of that migration state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # An app taken to zero (None) has no node in the state.
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def state(targets):
    """Return the models of a migration state without migrating."""
    return MigrationExecutor(connection).loader.project_state(targets).apps


def model_schema(apps) -> dict[str, tuple]:
    """Map each table of a migration state to its columns, constraint and index names."""
    schema = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        schema[meta.db_table] = (
            sorted((f.column, f.db_type(connection)) for f in meta.local_concrete_fields),
            sorted(c.name for c in meta.constraints),
            sorted(i.name for i in meta.indexes),
        )
    return schema


def database_schema() -> dict[str, tuple]:
    """Map each table in the database to its columns and constraints, as introspected."""
    schema = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = connection.introspection.get_table_description(cursor, table)
            constraints = connection.introspection.get_constraints(cursor, table)
            schema[table] = (
                sorted((c.name, str(c.type_code), c.null_ok) for c in columns),
                sorted(
                    (name, tuple(c["columns"] or ()), c["unique"], c["primary_key"], c["index"])
                    for name, c in constraints.items()
                ),
            )
    return schema


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the migration log, read with plain SQL, in a fixed order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == MigrationRecorder.Migration._meta.db_table:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return rows


def graph_rows(apps, app_label: str) -> dict[str, list[tuple]]:
    """Read follows, blocks and mutes through the models app_label has in that state."""
    return {
        name: list(
            apps.get_model(app_label, name)
            .objects.order_by("pk")
            .values_list("pk", f"{a}_id", f"{b}_id", "created_at")
        )
        for name, (a, b) in GRAPH.items()
    }


def applied() -> set[tuple[str, str]]:
    return set(MigrationRecorder(connection).applied_migrations())


@pytest.mark.django_db(transaction=True)
def test_moving_the_graph_to_social_keeps_every_row():
    newest = leaves()
    schema_at_leaves = database_schema()
    try:
        old = migrate(before_move(newest))
        assert not set(MOVE) & applied()
        assert not any(m._meta.app_label == "social" for m in old.get_models())
        # The move changed the migration state only: the old state describes the same tables
        # as today's models, and the database did not change on the way back.
        assert model_schema(old) == model_schema(state(newest))
        assert database_schema() == schema_at_leaves

        # Today's code writes the demo (the tables are the same), then a few blocks and mutes.
        call_command("seed_demo", stdout=StringIO())
        ada, grace, alan, ken = (
            CustomUser.objects.get(username=name) for name in ("ada", "grace", "alan", "ken")
        )
        block_create(blocker=ada, blocked=alan)
        block_create(blocker=ken, blocked=grace)
        mute_create(muter=grace, muted=ken)
        mute_create(muter=alan, muted=ada)

        rows_before = snapshot()
        graph_before = graph_rows(old, "users")
        assert all(graph_before.values()), graph_before
        assert len(rows_before["posts_post"]) >= 20
        assert len(rows_before["users_customuser"]) >= 20

        new = migrate(newest)
        assert set(MOVE) <= applied()
        rows_after = snapshot()

        assert {t: len(r) for t, r in rows_after.items()} == {
            t: len(r) for t, r in rows_before.items()
        }
        assert rows_after == rows_before
        assert database_schema() == schema_at_leaves
        assert graph_rows(new, "social") == graph_before
        assert graph_rows(global_apps, "social") == graph_before  # today's social.models
    finally:
        migrate(newest)
