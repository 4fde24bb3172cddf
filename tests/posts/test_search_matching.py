"""Post search matching, one table of cases run on whichever database the suite uses.

CI runs the suite on SQLite (FTS5) and on PostgreSQL (full-text search): the same table
proves both give the same results in the same order. Each case is a query, the bodies posted
oldest first, and the bodies expected back, in order.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts.models import Post
from posts.search import _match, query_words, stem
from posts.selectors import search_posts
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

CASES = [
    # Word prefix and stem.
    ("database", ["databases are fun", "cats"], ["databases are fun"]),
    ("databases", ["one database", "cats"], ["one database"]),
    ("sql", ["I like SQLite", "MySQL too", "nosql"], ["I like SQLite"]),
    ("story", ["two stories", "a storyteller", "history"], ["a storyteller", "two stories"]),
    (
        "baking",
        ["she bakes bread", "baked beans", "a bakery"],
        ["a bakery", "baked beans", "she bakes bread"],
    ),
    ("class", ["classes start", "a classic"], ["a classic", "classes start"]),
    # Exact (every word whole) first, then the others, newest first in each.
    (
        "database",
        ["database one", "databases two", "database three"],
        ["database three", "database one", "databases two"],
    ),
    (
        "kayak trip",
        ["kayak trip old", "kayaking trips", "trip by kayak", "kayak only"],
        ["trip by kayak", "kayak trip old", "kayaking trips"],
    ),
    # Words of one or two characters match only whole, never as a prefix ("t"* would ask the
    # index for every word starting with t); longer words of the same query still do.
    ("don't", ["don't panic", "donkeys travel", "donuts"], ["don't panic"]),
    ("l'été", ["l'été est là", "la lune en été", "l'éternité"], ["l'été est là", "l'éternité"]),
    ("is", ["this is it", "island", "isn't"], ["this is it"]),
    ("go", ["go now", "going", "gone"], ["go now"]),
    ("ab abc", ["ab abcd", "abc abd", "abz abcd"], ["ab abcd"]),
    # Case and diacritics fold the same way on both databases.
    ("CAFE", ["Café au lait", "a cafeteria", "coffee"], ["Café au lait", "a cafeteria"]),
    ("école", ["Ecole normale", "ÉCOLES"], ["Ecole normale", "ÉCOLES"]),
    ("straße", ["Straße", "STRASSE"], ["Straße"]),
    ("añejo", ["tequila anejo"], ["tequila anejo"]),
    # A decomposed letter (as macOS sends it) is the composed one; Turkish "İ" is "i" (Python
    # lower-cases it to "i" and a combining dot).
    ("naïve", ["nai\u0308ve idea"], ["nai\u0308ve idea"]),
    ("nai\u0308ve", ["naïve idea"], ["naïve idea"]),
    ("İstanbul", ["İstanbul by night"], ["İstanbul by night"]),
    ("İZMİR", ["izmir port"], ["izmir port"]),
    # Words are letters and digits: punctuation and "_" separate them.
    (
        "foo",
        ["foo_bar baz", "foo-bar", "(foo)", "food"],
        ["(foo)", "foo-bar", "foo_bar baz", "food"],
    ),
    ("bar", ["foo_bar", "foo-bar", "barn"], ["foo-bar", "foo_bar", "barn"]),
    ("2026", ["in 2026!", "20260"], ["in 2026!", "20260"]),
    # A word inside a link, host, address, path, version or "<...>" is a word like any other
    # (PostgreSQL's own parser would keep "www.python.org", "ada@example.com", "input/output"
    # or "3.14" as one lexeme and drop the words between "<" and ">").
    ("python", ["see https://www.python.org/downloads"], ["see https://www.python.org/downloads"]),
    (
        "downloads",
        ["see https://www.python.org/downloads"],
        ["see https://www.python.org/downloads"],
    ),
    ("org", ["read example.org today"], ["read example.org today"]),
    ("example", ["mail ada@example.com"], ["mail ada@example.com"]),
    ("14", ["pi is 3.14"], ["pi is 3.14"]),
    ("django 2", ["django 4.2.1 is out"], ["django 4.2.1 is out"]),
    ("output", ["input/output errors"], ["input/output errors"]),
    ("write", ["read/write access"], ["read/write access"]),
    ("lunch", ["if a<b lunch is late c>d"], ["if a<b lunch is late c>d"]),
    ("lunch", ["we had <lunch> today"], ["we had <lunch> today"]),
    ("amp", ["fish &amp; chips"], ["fish &amp; chips"]),
    # Scripts other than Latin.
    ("привет", ["Привет мир", "приветствие"], ["Привет мир", "приветствие"]),
    ("数据库", ["数据库 rocks"], ["数据库 rocks"]),
    # Every word required; operator syntax is only words.
    ("walrus tusk", ["walrus tusk", "walrus alone", "tusk alone"], ["walrus tusk"]),
    ("walrus OR seal", ["walrus alone", "seal alone"], []),
    ("walrus NOT seal", ["walrus seal not here"], ["walrus seal not here"]),
    ("NEAR(walrus", ["walrus near shore"], ["walrus near shore"]),
    ("walrus -seal", ["walrus seal", "walrus"], ["walrus seal"]),
    ('"walrus', ["walrus"], ["walrus"]),
    ("walrus*", ["walruses"], ["walruses"]),
    ("wal:*", ["walrus"], ["walrus"]),
    ("a & b | !c ( ) ^ { } ' \\", ["a b c"], ["a b c"]),
    ("body:walrus", ["walrus"], []),
    ("🦭 walrus", ["🦭 walrus", "walrus 🦭🦭"], ["walrus 🦭🦭", "🦭 walrus"]),
    # Nothing to search for.
    ("", ["anything"], []),
    ("🦭 ! * -", ["🦭 anything"], []),
]


@pytest.mark.parametrize(("query", "bodies", "expected"), CASES)
def test_search_matches(user, query, bodies, expected):
    """The query finds exactly the expected bodies, in the expected order."""
    for body in bodies:
        PostFactory(body=body)
    assert [post.body for post in search_posts(user, query)] == expected


@pytest.mark.parametrize(
    "query",
    [
        "x" * 1000,
        " ".join(["word"] * 300),
        "'\" * - : & | ! ( ) NEAR AND OR NOT \\ % _ ; -- /* */",
        "\u0000 \u200b \ufeff \U0001f600" * 50,
        "\u01c5 \u00df \ufb01 \u0130 \u0131 \u017f \u212a",
    ],
)
def test_hostile_queries_raise_nothing(user, query):
    """Long, odd or operator-only input is searched (or ignored) without an error."""
    PostFactory(body="word " + "x" * 100)
    list(search_posts(user, query.replace("\x00", "")))


def test_stem_strips_one_ending_and_keeps_three_letters():
    """Plurals, -ing, -ed and a "y" after a consonant go; "ss" and short words stay."""
    assert [
        stem(w)
        for w in [
            "databases",
            "stories",
            "baking",
            "baked",
            "cats",
            "class",
            "bus",
            "is",
            "story",
            "play",
        ]
    ] == [
        "databas",
        "stor",
        "bak",
        "bak",
        "cat",
        "class",
        "bus",
        "is",
        "stor",
        "play",
    ]


def test_query_words_fold_case_and_diacritics_and_split_on_underscore():
    assert query_words("Café_ÉCOLE l'été") == ["cafe", "ecole", "l", "ete"]


def test_query_words_compose_and_drop_combining_diacritics():
    """NFD input is one word, as FTS5 reads it; "İ" folds before lower() can add a dot."""
    assert query_words("nai\u0308ve İZMİR i\u0307stanbul") == ["naive", "izmir", "istanbul"]


def test_the_first_page_costs_the_same_few_queries_for_1_or_20_matches(user):
    """Ids of exact matches, ids of the others, then the cards (and their prefetches)."""
    PostFactory(body="pelican")
    with CaptureQueriesContext(connection) as one:
        assert len(list(search_posts(user, "pelican"))) == 1
    for n in range(25):
        PostFactory(body=f"pelicans {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(list(search_posts(user, "pelican"))) == 20
    assert len(one.captured_queries) == len(many.captured_queries)


# A one-character term searched by prefix: '"t"*' in FTS5, "'t':*" in PostgreSQL's tsquery.
_ONE_LETTER_PREFIX = re.compile(r"\"[^\W_]\"\*|'[^\W_]':\*")


@pytest.mark.parametrize("text", ["don't", "l'été", "a b c d e f g h i j k l m n o p"])
def test_search_never_asks_the_index_for_every_word_starting_with_one_letter(user, text):
    """A one-letter prefix ("t"*) matches most of the index: 16 of them (MAX_WORDS) cost
    seconds of CPU per request on a 300k-post table, against a millisecond matched exactly."""
    PostFactory(body="don't panic")
    with CaptureQueriesContext(connection) as ctx:
        list(search_posts(user, text))
    sql = "\n".join(query["sql"] for query in ctx.captured_queries)
    assert _ONE_LETTER_PREFIX.findall(sql) == []


def test_postgresql_finds_matches_through_its_gin_index(user):
    """The query's expression is the index's (posts migration 0011 keeps a copy of it)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite matches in its FTS5 table")
    qs = Post.objects.filter(_match(query_words("databases"), prefix=True)).values("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "post_body_search_idx" in plan
