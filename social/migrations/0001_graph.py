import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("users", "0003_display_name_characters"),
    ]

    # The tables were made by the users app (users_follow, users_block, users_mute) and stay;
    # this only tells Django that the models now live here. No row is copied.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Block",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "blocked",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "blocker",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "users_block",
                        "indexes": [models.Index(fields=["blocked"], name="block_blocked_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("blocker", "blocked"), name="block_unique_pair"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("blocker", models.F("blocked")), _negated=True),
                                name="block_not_self",
                                violation_error_message="You cannot do that to yourself.",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Follow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "followee",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "follower",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "users_follow",
                        "indexes": [
                            models.Index(fields=["followee", "-id"], name="follow_followee_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("follower", "followee"), name="follow_unique_pair"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("follower", models.F("followee")), _negated=True
                                ),
                                name="follow_not_self",
                                violation_error_message="You cannot do that to yourself.",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Mute",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "muted",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "muter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "users_mute",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("muter", "muted"), name="mute_unique_pair"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("muter", models.F("muted")), _negated=True),
                                name="mute_not_self",
                                violation_error_message="You cannot do that to yourself.",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
