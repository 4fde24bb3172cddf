from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0003_display_name_characters"),
        ("social", "0001_graph"),
    ]

    # Follow, Block and Mute moved to the social app with their tables (social 0001): drop them
    # from this app's state only, never from the database.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="block",
                    name="block_blocked_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="block",
                    name="block_unique_pair",
                ),
                migrations.RemoveConstraint(
                    model_name="block",
                    name="block_not_self",
                ),
                migrations.RemoveIndex(
                    model_name="follow",
                    name="follow_followee_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="follow",
                    name="follow_unique_pair",
                ),
                migrations.RemoveConstraint(
                    model_name="follow",
                    name="follow_not_self",
                ),
                migrations.RemoveConstraint(
                    model_name="mute",
                    name="mute_unique_pair",
                ),
                migrations.RemoveConstraint(
                    model_name="mute",
                    name="mute_not_self",
                ),
                migrations.RemoveField(
                    model_name="follow",
                    name="followee",
                ),
                migrations.RemoveField(
                    model_name="follow",
                    name="follower",
                ),
                migrations.RemoveField(
                    model_name="mute",
                    name="muted",
                ),
                migrations.RemoveField(
                    model_name="mute",
                    name="muter",
                ),
                migrations.DeleteModel(
                    name="Block",
                ),
                migrations.DeleteModel(
                    name="Follow",
                ),
                migrations.DeleteModel(
                    name="Mute",
                ),
            ],
            database_operations=[],
        ),
    ]
