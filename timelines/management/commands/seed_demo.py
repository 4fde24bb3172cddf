"""Fill an empty database with a lively demo: people, follows, posts, comments, likes, reposts,
hashtags, mentions and a few avatars. Everything goes through the service functions."""

import random
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from PIL import Image, ImageDraw

from posts.models import Post
from posts.services import post_bookmark, post_create, post_like, post_repost
from social.services import follow_create
from users.models import CustomUser
from users.services import profile_update, user_create

DEMO_PASSWORD = "demo-password-2026"

PEOPLE = [
    ("ada", "Ada Lovelace", "Poet of numbers. Writing notes on the engine."),
    ("grace", "Grace Hopper", "Compilers, nanoseconds and naval humour."),
    ("linus", "Linus", "I mostly review patches. #linux"),
    ("guido", "Guido", "Readability counts. #python"),
    ("margaret", "Margaret Hamilton", "Software engineering is engineering."),
    ("alan", "Alan", "Thinking about thinking machines."),
    ("barbara", "Barbara Liskov", "Substitutability, distributed systems."),
    ("ken", "Ken", "Unix, Go, and chess endgames."),
    ("dennis", "Dennis", "C is quirky, flawed, and an enormous success."),
    ("radia", "Radia Perlman", "Spanning trees and poems."),
    ("frances", "Frances Allen", "Optimizing compilers."),
    ("edsger", "Edsger", "Simplicity is prerequisite for reliability."),
    ("donald", "Donald", "Premature optimization is the root of all evil."),
    ("katherine", "Katherine Johnson", "Trajectories and checking the machine's work."),
    ("tim", "Tim", "Made a web once."),
    ("hedy", "Hedy Lamarr", "Frequency hopping and films."),
    ("john", "John", "Lisp forever."),
    ("sophie", "Sophie Wilson", "ARM, BBC Micro, and fast code."),
    ("niklaus", "Niklaus", "Algorithms + Data Structures = Programs."),
    ("annie", "Annie Easley", "Rocket software and running."),
]
POPULAR = ["ada", "grace", "guido", "tim"]

POSTS = [
    "Just shipped a small fix and it feels great. #shipping",
    "Coffee first, then code review. #coffee",
    "Reading about B-trees again. Still the best data structure. #databases",
    "Does anyone else keep a notebook of bugs they have fixed? @grace does, I bet.",
    "Hot take: tests are documentation that can fail. #testing",
    "Walked to the office today. Saw three dogs and a very serious cat.",
    "Writing docs is part of the work, not after it. #docs",
    "Our server is self-hosted and it is fast. https://www.djangoproject.com/ helped. #django",
    "Today I learned that SQLite can do full text search. #sqlite #databases",
    "Tried a new keyboard layout. Typing is now an adventure.",
    "Pair programming with @ada this afternoon. #pairing",
    "The best feature is the one you delete.",
    "Rainy day, perfect for refactoring. #refactoring",
    "If it is not measured, it is not fast. #performance",
    "Small commits, clear messages. Future me says thanks. #git",
    "Who is going to the meetup on Thursday? @guido @tim #meetup",
    "Café, croissant, compiler. #café",
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

COLOURS = ["#0172ad", "#d93526", "#398712", "#8e44ad", "#c27c0e", "#2c7873", "#b3446c"]


def _avatar(initial: str, colour: str) -> SimpleUploadedFile:
    """Draw a coloured square with the user's initial (Pillow)."""
    image = Image.new("RGB", (256, 256), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((48, 48, 208, 208), fill="#ffffff")
    draw.text((128, 128), initial.upper(), fill=colour, anchor="mm", font_size=110)
    out = BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(f"{initial}.png", out.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Create a lively demo community (only on an empty database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even if users exist.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, force: bool = False, seed: int = 2026, **options: Any) -> None:
        if CustomUser.objects.exists() and not force:
            self.stdout.write("Users exist already; not seeding (use --force to add demo data).")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            users = self._people(rng)
            if not users:
                self.stdout.write("Demo users exist already.")
                return
            self._follows(rng, users)
            posts = self._posts(rng, users)
            self._reactions(rng, users, posts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(users)} demo users with follows, {len(posts)} posts, comments, "
                f"likes and reposts.\nDemo login: username {users[0].username}, "
                f"password {DEMO_PASSWORD}"
            )
        )

    def _people(self, rng: random.Random) -> list[CustomUser]:
        users = []
        for i, (username, name, bio) in enumerate(PEOPLE):
            if CustomUser.objects.filter(username__iexact=username).exists():
                continue
            user = user_create(
                username=username,
                email=f"{username}@example.com",
                password=DEMO_PASSWORD,
                email_verified=True,
            )
            avatar = _avatar(username[0], COLOURS[i % len(COLOURS)]) if i % 3 == 0 else None
            profile_update(user=user, display_name=name, bio=bio, avatar=avatar)
            users.append(user)
        return users

    def _follows(self, rng: random.Random, users: list[CustomUser]) -> None:
        popular = [u for u in users if u.username in POPULAR]
        for user in users:
            for star in popular:
                if star != user and rng.random() < 0.85:
                    follow_create(follower=user, followee=star)
            for other in rng.sample(users, k=min(5, len(users))):
                if other != user:
                    follow_create(follower=user, followee=other)

    def _posts(self, rng: random.Random, users: list[CustomUser]) -> list[Post]:
        """Write posts with reposts woven in, as a real timeline would have them."""
        posts: list[Post] = []
        for _ in range(70):
            visibility = "followers" if rng.random() < 0.1 else "public"
            posts.append(
                post_create(author=rng.choice(users), body=rng.choice(POSTS), visibility=visibility)
            )
            public = [p for p in posts if p.visibility == "public"]
            if public and rng.random() < 0.3:
                user, post = rng.choice(users), rng.choice(public[-10:])
                if post.author != user:
                    post_repost(user=user, post=post)
        public = [p for p in posts if p.visibility == "public"]
        for _ in range(100):
            parent = rng.choice(public)
            post_create(author=rng.choice(users), body=rng.choice(COMMENTS), in_reply_to=parent)
        return posts

    def _reactions(self, rng: random.Random, users: list[CustomUser], posts: list[Post]) -> None:
        public = [p for p in posts if p.visibility == "public"]
        for user in users:
            for post in rng.sample(public, k=8):
                post_like(user=user, post=post)
            post_bookmark(user=user, post=rng.choice(public))
