"""Full-text search over posts: SQLite FTS5 or PostgreSQL full-text search.

SQLite keeps a separate FTS5 table (`post_search`), written by the post services through
`index_post` and `unindex_posts`. PostgreSQL searches the posts table itself through a GIN
index on the same expression the query uses, so there is nothing to keep in sync.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

from posts.models import Post

FTS_TABLE = "post_search"
PG_CONFIG = "simple"
_WORD = re.compile(r"\w+", re.UNICODE)


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def index_post(post: Post) -> None:
    """Add or refresh post in the SQLite search table (PostgreSQL needs nothing)."""
    if not is_sqlite() or post.repost_of_id is not None:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (%s, %s)", [post.pk, post.body]
        )


def unindex_posts(ids: Iterable[int]) -> None:
    """Remove posts from the SQLite search table."""
    ids = list(ids)
    if not is_sqlite() or not ids:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)


def _fts5_query(text: str) -> str:
    """Turn user input into a safe FTS5 query: every word quoted, all words required."""
    words = _WORD.findall(text)
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def search_posts(qs: QuerySet[Post], text: str, *, limit: int) -> QuerySet[Post]:
    """Filter qs (already limited to what the reader may see) to posts matching text, best first."""
    if not _WORD.search(text):
        return qs.none()
    if is_sqlite():
        # Match and rank inside the one query, after the reader's visibility filters, so posts
        # the reader may not see can never crowd out those they may.
        match = _fts5_query(text)
        matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        bm25 = RawSQL(
            f"SELECT bm25({FTS_TABLE}) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid = posts_post.id",
            [match],
            output_field=FloatField(),
        )
        return qs.filter(pk__in=matching).annotate(rank=bm25).order_by("rank", "-id")[:limit]
    vector = SearchVector("body", config=PG_CONFIG)
    # "plain": every word required and no operators (-, or, quotes), exactly like FTS5 above.
    query = SearchQuery(text, config=PG_CONFIG, search_type="plain")
    # Ranking recomputes each row's tsvector, so rank only the newest matches: the GIN index
    # finds them without that cost, and a common word cannot make the page slow.
    newest = (
        qs.annotate(search=vector).filter(search=query).order_by("-id").values("pk")[: limit * 5]
    )
    return (
        qs.filter(pk__in=newest)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "-id")[:limit]
    )
