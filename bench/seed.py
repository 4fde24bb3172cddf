"""Fill an empty database with a benchmark-sized data set through msg's service functions.

Run by bench/run.py in a subprocess whose environment points DATABASE_URL at the throwaway
database; prints one JSON line describing what it made and which pages to measure.
"""

import argparse
import json
import os
import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from posts.models import Post  # noqa: E402
from posts.services import post_create  # noqa: E402
from users.models import CustomUser  # noqa: E402
from users.services import user_create  # noqa: E402

# Optional services: used when this version of msg has them, so the data set grows with the app.
try:
    from social.services import follow_create
except ImportError:  # pragma: no cover - msg before the social app
    try:
        from users.services import follow_create  # type: ignore[attr-defined,no-redef]
    except ImportError:  # pragma: no cover - older msg
        follow_create = None
try:
    from posts.services import post_like  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older msg
    post_like = None

VOCABULARY = (
    "the a to and of in is it that for on with this was as at be by from have not are you "
    "just today code tests ship deploy coffee review django python server sqlite postgres "
    "release bug fix docs weekend train rain sun walk book music team idea question thanks "
    "small fast slow simple better great again really maybe never always home office night"
)
WORDS = VOCABULARY.split()
TAGS = ["#django", "#python", "#selfhosted", "#coffee", "#weekend", "#til"]
LINKS = ["https://www.djangoproject.com/", "https://example.com/a/long/path?q=1", "http://x.org"]


def sentence(rng: random.Random, low: int, high: int, names: list[str]) -> str:
    """Return a random body of roughly low..high characters, now and then with a link, a
    second paragraph, a hashtag or an @mention."""
    words: list[str] = []
    target = rng.randint(low, high)
    while sum(len(w) + 1 for w in words) < target:
        words.append(rng.choice(WORDS))
    text = " ".join(words).capitalize() + rng.choice(".!?")
    if rng.random() < 0.15:
        text += " " + rng.choice(LINKS)
    if rng.random() < 0.10:
        text += "\n\n" + rng.choice(WORDS).capitalize() + "."
    if rng.random() < 0.10:
        text += " " + rng.choice(TAGS)
    if rng.random() < 0.05:
        text = f"@{rng.choice(names)} {text}"
    return text


def zipf_weights(n: int, exponent: float) -> list[float]:
    """Return weights 1/rank**exponent: a few very active items, a long quiet tail."""
    return [1 / (rank**exponent) for rank in range(1, n + 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--likes", type=int, default=5_000, help="when msg has likes")
    parser.add_argument("--follows", type=int, default=50, help="accounts the member follows")
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    if CustomUser.objects.exists():
        sys.exit(
            "The benchmark database is not empty. Point BENCH_DATABASE_URL at a throwaway "
            "database (e.g. dropdb msg_bench && createdb msg_bench) and run again."
        )

    rng = random.Random(args.seed)
    started = time.perf_counter()
    with transaction.atomic():
        # Only the member who logs in gets a real (slow to hash) password.
        login_user = user_create(
            username=args.username,
            email=f"{args.username}@example.com",
            password=args.password,
            email_verified=True,
        )
        users = [login_user]
        for i in range(1, args.users):
            name = f"{rng.choice(WORDS)}_{i}{rng.choice(string.ascii_lowercase)}"
            users.append(
                user_create(
                    username=name, email=f"{name}@example.com", password=None, email_verified=True
                )
            )
        rng.shuffle(users)
        author_weights = zipf_weights(len(users), 0.8)
        names = [user.username for user in users]

        follows = 0
        if follow_create is not None:
            # The member follows a mix of busy and quiet accounts; everyone else follows a few.
            others = [user for user in users if user != login_user]
            for followee in rng.sample(others, min(args.follows, len(others))):
                follow_create(follower=login_user, followee=followee)
                follows += 1
            for follower in others:
                for followee in set(rng.choices(users, weights=author_weights, k=5)):
                    if followee != follower:
                        follow_create(follower=follower, followee=followee)
                        follows += 1

        posts = [
            post_create(author=author, body=sentence(rng, 20, 280, names))
            for author in rng.choices(users, weights=author_weights, k=args.posts)
        ]
        # Conversations cluster on a few popular posts; most posts get none or one or two.
        popular = posts[:]
        rng.shuffle(popular)
        post_weights = zipf_weights(len(popular), 0.5)
        parents = rng.choices(popular, weights=post_weights, k=args.comments)
        commenters = rng.choices(users, weights=author_weights, k=args.comments)
        for parent, commenter in zip(parents, commenters, strict=True):
            post_create(author=commenter, body=sentence(rng, 5, 140, names), in_reply_to=parent)
        likes = 0
        if post_like is not None:
            from posts.models import Like  # type: ignore[attr-defined]

            liked = rng.choices(popular, weights=post_weights, k=args.likes)
            fans = rng.choices(users, k=args.likes)
            for post, fan in zip(liked, fans, strict=True):
                post_like(user=fan, post=post)  # liking twice is a no-op
            likes = Like.objects.count()
    seconds = time.perf_counter() - started

    if connection.vendor == "postgresql":
        # Right after a bulk load the planner has no statistics; autovacuum would add them soon.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    top_author = (
        CustomUser.objects.annotate(n=Count("posts")).order_by("-n").values("username", "n")[0]
    )
    busiest = (
        Post.objects.filter(in_reply_to__isnull=True)
        .annotate(n=Count("replies"))
        .order_by("-n")
        .values("pk", "author__username", "n")[0]
    )
    counts = sorted(
        Post.objects.filter(in_reply_to__isnull=True)
        .annotate(n=Count("replies"))
        .values_list("n", flat=True)
    )
    print(
        json.dumps(
            {
                "users": CustomUser.objects.count(),
                "posts": Post.objects.filter(in_reply_to__isnull=True).count(),
                "comments": Post.objects.filter(in_reply_to__isnull=False).count(),
                "follows": follows,
                "likes": likes,
                "seed_seconds": round(seconds, 1),
                "profile": {"username": top_author["username"], "posts": top_author["n"]},
                "detail": {
                    "username": busiest["author__username"],
                    "pk": busiest["pk"],
                    "comments": busiest["n"],
                },
                "median_comments": counts[len(counts) // 2],
                "vendor": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
