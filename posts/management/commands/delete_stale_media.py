"""Delete the images uploaded but never attached to a post within a day (cron, hourly)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posts.services.media import DRAFT_LIFETIME, media_delete_stale


class Command(BaseCommand):
    help = "Delete uploaded images that no post attached within --hours hours, and their files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=int(DRAFT_LIFETIME.total_seconds() // 3600),
            help="Age in hours after which an unattached upload is deleted (default 24).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if hours < 1:
            raise CommandError("--hours must be at least 1.")
        deleted = media_delete_stale(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} unattached image{'' if deleted == 1 else 's'}.")
