"""Time the right column's "who to follow" on a big graph, against a baseline in the same run.

    .venv/bin/python bench/sidebar.py                        # SQLite in a temporary file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/msg_bench \
        .venv/bin/python bench/sidebar.py

It bulk-inserts 20,000 accounts and 300,000 follows (30 % of them aimed at a power-law set of
popular accounts), then times, for a member who follows 15 accounts and for one who follows
none: who_to_follow with the site-wide "most followed" list cached (what nearly every page view
finds), the count behind that list (once per POPULAR_TTL), and the baseline: the member's own
row by primary key plus the 3 newest accounts, two indexed reads any page makes anyway. The
figures are medians of 7 runs; bench/README.md keeps them as ratios to the baseline.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="msg-sidebar-bench-"))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msg_project.settings")
os.environ["DEBUG"] = "True"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from social.models import Follow  # noqa: E402
from social.selectors import POPULAR_CACHE_KEY, most_followed_ids, who_to_follow  # noqa: E402
from users.models import CustomUser  # noqa: E402

USERS, FOLLOWS, RUNS = 20_000, 300_000, 7


def seed() -> None:
    call_command("migrate", verbosity=0)
    if CustomUser.objects.exists():
        raise SystemExit("BENCH_DATABASE_URL must name an empty database")
    CustomUser.objects.bulk_create(
        [
            CustomUser(username=f"u{i}", email=f"u{i}@example.com", password="!")
            for i in range(USERS)
        ],
        batch_size=5000,
    )
    ids = list(CustomUser.objects.order_by("id").values_list("id", flat=True))
    rnd = random.Random(1)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < FOLLOWS:
        a = rnd.choice(ids)
        popular = ids[min(int(rnd.paretovariate(1.2)) - 1, len(ids) - 1)]
        b = popular if rnd.random() < 0.3 else rnd.choice(ids)
        if a != b:
            pairs.add((a, b))
    Follow.objects.bulk_create(
        [Follow(follower_id=a, followee_id=b) for a, b in pairs], batch_size=10_000
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def median_ms(call: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    seed()
    followers = CustomUser.objects.order_by("id")[5]
    newcomer = CustomUser.objects.create(username="newcomer", email="n@example.com")
    print(f"{connection.vendor}: {USERS:,} accounts, {Follow.objects.count():,} follows")

    def baseline() -> None:
        CustomUser.objects.get(pk=followers.pk)
        list(CustomUser.objects.order_by("-id")[:3])

    def cold() -> None:
        cache.delete(POPULAR_CACHE_KEY)
        most_followed_ids()

    base = median_ms(baseline)
    print(f"baseline (own row + 3 newest)      {base:7.1f} ms")
    most_followed_ids()
    for who in (followers, newcomer):
        follows = Follow.objects.filter(follower=who).count()

        def suggest(who: CustomUser = who) -> None:
            list(who_to_follow(who, 3))

        ms = median_ms(suggest)
        label = f"member following {follows}"
        print(f"who_to_follow, {label:<22}{ms:7.1f} ms  {ms / base:6.1f}x baseline")
    ms = median_ms(cold)
    print(f"most followed, counted (every 5 min){ms:7.1f} ms  {ms / base:6.1f}x baseline")


if __name__ == "__main__":
    main()
