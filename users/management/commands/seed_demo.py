"""Fill an empty database with demo users, posts and comments, through the services."""

import random

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from posts.services import post_create
from users.models import CustomUser
from users.services import user_create

DEMO_PASSWORD = "demo-password-2026"

NAMES = [
    "ada",
    "grace",
    "linus",
    "guido",
    "margaret",
    "alan",
    "barbara",
    "ken",
    "dennis",
    "radia",
    "frances",
    "edsger",
    "donald",
    "katherine",
    "tim",
    "hedy",
    "john",
    "sophie",
    "niklaus",
    "annie",
]

POSTS = [
    "Just shipped a small fix and it feels great.",
    "Coffee first, then code review.",
    "Reading about B-trees again. Still the best data structure.",
    "Does anyone else keep a notebook of bugs they have fixed?",
    "Hot take: tests are documentation that can fail.",
    "Walked to the office today. Saw three dogs and a very serious cat.",
    "Writing docs is part of the work, not after it.",
    "Our server is self-hosted and it is fast. https://www.djangoproject.com/ helped.",
    "Today I learned that SQLite can do full text search.",
    "Tried a new keyboard layout. Typing is now an adventure.",
    "Pair programming with a friend this afternoon.",
    "The best feature is the one you delete.",
    "Rainy day, perfect for refactoring.",
    "If it is not measured, it is not fast.",
    "Small commits, clear messages. Future me says thanks.",
]

COMMENTS = [
    "So true!",
    "Congrats, well done.",
    "I needed to read this today.",
    "Tell me more?",
    "Same here.",
    "Ha, love it.",
    "Interesting, I had not thought of that.",
    "Agreed, with one small caveat.",
]


class Command(BaseCommand):
    help = "Create about 20 demo users with posts and comments (only on an empty database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even if users exist.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args, force: bool = False, seed: int = 2026, **options) -> None:
        if CustomUser.objects.exists() and not force:
            self.stdout.write("Users exist already; not seeding (use --force to add demo data).")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            users = [
                user_create(
                    username=name,
                    email=f"{name}@example.com",
                    password=DEMO_PASSWORD,
                    email_verified=True,
                )
                for name in NAMES
                if not CustomUser.objects.filter(username__iexact=name).exists()
            ]
            if not users:
                self.stdout.write("Demo users exist already.")
                return
            posts = []
            for _ in range(60):
                posts.append(post_create(author=rng.choice(users), body=rng.choice(POSTS)))
            for _ in range(90):
                post_create(
                    author=rng.choice(users),
                    body=rng.choice(COMMENTS),
                    in_reply_to=rng.choice(posts),
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(users)} demo users, 60 posts and 90 comments.\n"
                f"Demo login: username {users[0].username}, password {DEMO_PASSWORD}"
            )
        )
