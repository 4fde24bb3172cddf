"""Fill an empty database with a lively demo: people, follows, posts, comments, likes, reposts,
hashtags, mentions and a few avatars. Everything goes through the service functions."""

import random
from datetime import timedelta
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.module_loading import import_string
from PIL import Image, ImageDraw

from posts.models import Post
from posts.services import (
    ImageUpload,
    post_bookmark,
    post_create,
    post_delete,
    post_edit,
    post_like,
    post_repost,
)
from posts.services.media import media_update, media_upload
from posts.services.pins import post_pin
from posts.services.polls import PollSpec, poll_vote, polls_close_due
from posts.services.previews import preview_store
from social.models import FilterContext
from social.services import follow_create, muted_word_create
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
# The page a demo post links to: its preview card is stored, not fetched (seed_demo works offline).
DEMO_LINK = "https://www.djangoproject.com/"

POSTS = [
    "Just shipped a small fix and it feels great. #shipping",
    "Coffee first, then code review. #coffee",
    "Reading about B-trees again. Still the best data structure. #databases",
    "Does anyone else keep a notebook of bugs they have fixed? @grace does, I bet.",
    "Hot take: tests are documentation that can fail. #testing",
    "Walked to the office today. Saw three dogs and a very serious cat.",
    "Writing docs is part of the work, not after it. #docs",
    f"Our server is self-hosted and it is fast. {DEMO_LINK} helped. #django",
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
            self._previews()
            posts = self._posts(rng, users)
            self._reactions(rng, users, posts)
            self._warnings_and_edits(users)
            self._uploaded_first(users)
            self._polls(rng, users)
            self._pins(users)
            self._unlisted(users)
            self._quotes_and_filters(users)
            # Apps above timelines (lists) add theirs through settings.
            for step in settings.MSG_SEED_DEMO_STEPS:
                import_string(step)(users=users)
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

    def _previews(self) -> None:
        """Store the card of the page a demo post links to, so the demo fetches nothing."""
        preview_store(
            url=DEMO_LINK,
            title="The web framework for perfectionists with deadlines | Django",
            description="Django makes it easier to build better web apps more quickly and with "
            "less code.",
            site_name="Django Project",
        )

    def _pins(self, users: list[CustomUser]) -> None:
        """Pin a welcome post to the demo login's profile."""
        welcome = post_create(
            author=users[0], body="Welcome to my profile! This post is pinned, so it stays on top."
        )
        post_pin(user=users[0], post=welcome)

    def _unlisted(self, users: list[CustomUser]) -> None:
        """Write an unlisted post: with MSG_PUBLIC_PAGES on, visitors may open its address but
        no profile, tag page or feed lists it."""
        post_create(
            author=users[0],
            body="Notes for the demo: this post is unlisted, so only its own link shows it. #demo",
            visibility="unlisted",
        )

    def _quotes_and_filters(self, users: list[CustomUser]) -> None:
        """Quote a post, and one whose original is then deleted ("Post unavailable"); give the
        demo login a filtered word that collapses a post on its home timeline."""
        quoted = post_create(
            author=users[1], body="Premature optimisation is the root of all evil. #quotes"
        )
        post_create(author=users[0], body="Still true, decades later.", quote_of=quoted)
        gone = post_create(author=users[2], body="A hot take I may regret.")
        post_create(author=users[3], body="Bold words. Let's see.", quote_of=gone)
        post_delete(user=users[2], post=gone)
        muted_word_create(
            user=users[0], phrase="spoilers", contexts=[FilterContext.HOME, FilterContext.PUBLIC]
        )
        post_create(author=users[1], body="Season finale spoilers: everybody was a compiler.")

    def _polls(self, rng: random.Random, users: list[CustomUser]) -> None:
        """Open a poll with a few votes, and one that has ended (its voters are told)."""
        still_open = post_create(
            author=users[1],
            body="Tabs or spaces? Be honest. #poll",
            poll=PollSpec(
                options=("Tabs", "Spaces", "Whatever the linter says"),
                expires_in=timedelta(days=3),
            ),
        )
        ended = post_create(
            author=users[3],
            body="Which editor did you use today? Pick all that apply. #poll",
            poll=PollSpec(
                options=("Vim", "Emacs", "VS Code", "nano"),
                expires_in=timedelta(minutes=5),
                multiple=True,
            ),
        )
        for post in (still_open, ended):
            ids = list(post.poll.options.values_list("pk", flat=True))
            for voter in rng.sample(users[2:], k=8):
                picks = rng.sample(ids, k=rng.randint(1, 2) if post.poll.multiple else 1)
                poll_vote(user=voter, poll=post.poll, option_ids=picks)
        # Closed at the moment it expires, as the periodic job (manage.py close_polls) will.
        polls_close_due(now=ended.poll.expires_at)

    def _uploaded_first(self, users: list[CustomUser]) -> None:
        """Post two images uploaded first (drafts attached by id), one described after
        posting, and leave one draft waiting in the compose form."""
        author = users[4 % len(users)]
        drafts = []
        for colour, alt in (("#2c7873", ""), ("#f4d35e", "A yellow square, the sun at noon")):
            out = BytesIO()
            Image.new("RGB", (640, 400), colour).save(out, "PNG")
            file = SimpleUploadedFile("upload.png", out.getvalue(), content_type="image/png")
            drafts.append(media_upload(owner=author, file=file, alt_text=alt))
        media_update(owner=author, media=drafts[0], alt_text="A teal square, the sea at dawn")
        post_create(
            author=author, body="Sea and sun, uploaded first.", media_ids=[d.pk for d in drafts]
        )
        out = BytesIO()
        Image.new("RGB", (400, 400), "#6c5b7b").save(out, "PNG")
        file = SimpleUploadedFile("waiting.png", out.getvalue(), content_type="image/png")
        media_upload(owner=author, file=file)

    def _warnings_and_edits(self, users: list[CustomUser]) -> None:
        """Write a post behind a content warning, one with a sensitive image, and one edited
        once (two versions in its history)."""
        post_create(
            author=users[1 % len(users)],
            body="The twist: the butler was the compiler all along.",
            spoiler_text="Spoilers for the Thursday film night",
        )
        picture = Image.new("RGB", (480, 320), "#b3446c")
        ImageDraw.Draw(picture).text((240, 160), "!", fill="#ffffff", anchor="mm", font_size=200)
        out = BytesIO()
        picture.save(out, "PNG")
        upload = SimpleUploadedFile("flash.png", out.getvalue(), content_type="image/png")
        post_create(
            author=users[2 % len(users)],
            body="Photo from the server room during the power cut. Bright flashes in it.",
            sensitive=True,
            images=[
                ImageUpload(file=upload, alt_text="A pink square with a white exclamation mark")
            ],
        )
        author = users[3 % len(users)]
        edited = post_create(author=author, body="Meetup on Thursday at 6 in the library. #meetup")
        post_edit(
            user=author,
            post=edited,
            body="Meetup on Thursday at 7 (not 6) in the library. #meetup",
        )

    def _reactions(self, rng: random.Random, users: list[CustomUser], posts: list[Post]) -> None:
        public = [p for p in posts if p.visibility == "public"]
        for user in users:
            for post in rng.sample(public, k=8):
                post_like(user=user, post=post)
            post_bookmark(user=user, post=rng.choice(public))
