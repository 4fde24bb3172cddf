"""Close the polls whose time is up and tell their authors and voters (cron, every minute)."""

from typing import Any

from django.core.management.base import BaseCommand

from posts.services.polls import polls_close_due


class Command(BaseCommand):
    help = "Close every poll whose time is up and notify its author and voters."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = polls_close_due()
        self.stdout.write(f"Closed {closed} poll{'' if closed == 1 else 's'}.")
