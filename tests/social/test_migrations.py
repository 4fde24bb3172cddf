"""Moving the graph from users to social (social 0001, users 0004) moves no row.

The database is taken back to the migration state before the move, filled with the models of
that state (people, posts, follows) and today's block and mute services, and migrated forward to
the state just after the move: every table keeps its row count and its rows, and the social
models read the rows users wrote. Later migrations are unapplied first and reapplied at the end.
"""

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

# The newest users migration before the move; social did not exist yet.
USERS_BEFORE = ("users", "0003_display_name_characters")
MOVE = [("social", "0001_graph"), ("users", "0004_graph_moved_to_social")]
GRAPH = {
    "Follow": ("follower", "followee"),
    "Block": ("blocker", "blocked"),
    "Mute": ("muter", "muted"),
}


# The project's own apps as they stood right after the move; Django's apps at their newest.
AT_MOVE = {
    "users": "0004_graph_moved_to_social",
    "social": "0001_graph",
    "posts": "0006_post_audience_required",
    "notifications": "0001_initial",
}


def leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


# Apps created after the move (absent in its state).
LATER_APPS = ["conversations", "lists"]


def after_move(newest: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """The migration state right after the move: our apps as then, Django's at their newest."""
    mine = {*AT_MOVE, *LATER_APPS}
    return [
        *(node for node in newest if node[0] not in mine),
        *AT_MOVE.items(),
        *((app, None) for app in LATER_APPS),
    ]


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
    nodes = [t for t in targets if t[1] is not None]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


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
def fill(old) -> None:
    """Write people, posts and a graph with the models of the state before the move."""
    user_model = old.get_model("users", "CustomUser")
    post_model = old.get_model("posts", "Post")
    people = [
        user_model.objects.create(
            username=f"person{n}", email=f"person{n}@example.com", password="!", avatar=""
        )
        for n in range(20)
    ]
    for n, person in enumerate(people):
        post_model.objects.create(author=person, audience=person, body=f"post {n}")
    edges = [(people[n], people[(n + 1) % 20]) for n in range(20)]
    for name, (source, target) in GRAPH.items():
        model = old.get_model("users", name)
        for a, b in edges[: {"Follow": 20, "Block": 3, "Mute": 2}[name]]:
            model.objects.create(**{source: a, target: b})


@pytest.mark.django_db(transaction=True)
def test_moving_the_graph_to_social_keeps_every_row():
    newest = leaves()
    try:
        at_move = after_move(newest)
        migrate(at_move)
        schema_at_move = database_schema()
        old = migrate(before_move(at_move))
        assert not set(MOVE) & applied()
        assert not any(m._meta.app_label == "social" for m in old.get_models())
        # The move changed the migration state only: the old state describes the same tables
        # as the state after it, and the database did not change on the way back.
        assert model_schema(old) == model_schema(state(at_move))
        assert database_schema() == schema_at_move

        fill(old)
        rows_before = snapshot()
        graph_before = graph_rows(old, "users")
        assert all(graph_before.values()), graph_before
        assert len(rows_before["posts_post"]) >= 20
        assert len(rows_before["users_customuser"]) >= 20

        new = migrate(at_move)
        assert set(MOVE) <= applied()
        rows_after = snapshot()

        assert {t: len(r) for t, r in rows_after.items()} == {
            t: len(r) for t, r in rows_before.items()
        }
        assert rows_after == rows_before
        assert database_schema() == schema_at_move
        assert graph_rows(new, "social") == graph_before
        assert graph_rows(global_apps, "social") == graph_before  # today's social.models
    finally:
        migrate(newest)
