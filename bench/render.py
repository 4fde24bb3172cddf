"""Time whole pages in-process (Django's test client, no server, no network), for one checkout
and one seeded SQLite file; print the median milliseconds per page as JSON.

    python bench/render.py <checkout> <seeded.sqlite3> [repeats]

Seed each file first with that checkout's own migrations and bench/seed.py (see README.md,
"Issue 8"). Run it for two checkouts alternately, several rounds, and compare within a round:
the machine is shared, so only the ratio between neighbours means something.
"""

import json
import os
import statistics
import sys
import time
import warnings

root, database = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 30
sys.path.insert(0, root)
os.environ.update(
    DATABASE_URL=f"sqlite:///{database}",
    DEBUG="False",
    SECRET_KEY="bench-only-" + "x" * 40,
    ALLOWED_HOSTS="testserver",
    BENCH_STATIC_ROOT="/tmp/bench-render-static",
    DJANGO_SETTINGS_MODULE="bench.settings",
)
warnings.simplefilter("ignore")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from posts.models import Post  # noqa: E402
from users.models import CustomUser  # noqa: E402

# No collectstatic: plain static storage, so templates need no manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

member = CustomUser.objects.get(username="bench")
busiest = CustomUser.objects.annotate(n=Count("posts")).order_by("-n").first()
assert busiest is not None
top = (
    Post.objects.filter(in_reply_to__isnull=True, repost_of__isnull=True)
    .annotate(c=Count("replies"))
    .order_by("-c")
    .first()
)
assert top is not None
pages = {
    "home": "/",
    "profile": f"/@{busiest.username}/",
    "post": top.get_absolute_url(),
    "explore": "/explore/",
    "tag": "/tags/django/",
}
client = Client()
client.force_login(member)
medians = {}
for name, url in pages.items():
    for _ in range(3):  # warm the template cache and the database's pages
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    medians[name] = round(statistics.median(times), 1)
print(json.dumps(medians))
