"""Full-text search over posts: SQLite FTS5 or PostgreSQL full-text search, same results.

SQLite keeps a separate FTS5 table (`post_search`, tokenizer unicode61 with diacritics
removed), written by the post services through `index_post` and `unindex_posts`. PostgreSQL
searches the posts table itself through a GIN index on `PG_VECTOR` (posts migration 0011), so
there is nothing to keep in sync. Both see the same words: PostgreSQL's own parser would keep a
link, a host, an address, a path or "3.14" as one lexeme and drop the words between "<" and ">",
so the index first turns everything that is not a letter or a digit into a space, as unicode61
separates words (and as `query_words` does).

A query is split into words (letters and digits); each word of 3 or more characters matches
by prefix of its light stem (`stem`: "databases" -> "databas", so it finds "database" too;
"sql" finds "SQLite"). Shorter words ("t" of "don't", "l" of "l'été", "is") match only
exactly: a one- or two-letter prefix would ask the index for a large share of every word it
holds (16 of them, MAX_WORDS, cost seconds of CPU on a large table).
Posts holding every word exactly come first, then the other matches, newest first in each.
The words are quoted into the engine's syntax, so no input is ever an operator.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from posts.models import Post

FTS_TABLE = "post_search"
PG_CONFIG = "simple"
# A word is a run of letters and digits: "_" and punctuation separate words, as in FTS5's
# unicode61 tokenizer.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 16

# The letters with diacritics that FTS5's unicode61 tokenizer (remove_diacritics 2) folds to an
# ASCII letter, and that letter: generated from SQLite 3.40 for U+00C0-U+024F and
# U+1E00-U+1EFF. PostgreSQL applies the same translate() in its index (posts migration 0010
# holds a copy), so "cafe" finds "Café" on both databases.
FOLD_FROM = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ"
    "ćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő"
    "ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚ"
    "ǛǜǞǟǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰ"
    "ȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸ"
    "ḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴ"
    "ṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵ"
    "ẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰự"
    "ỲỳỴỵỶỷỸỹ"
)
FOLD_TO = (
    "aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaac"
    "cccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooo"
    "rrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzsoouuaaiioouuuuuuuu"
    "uuaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooo"
    "oyyaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkklll"
    "lllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuu"
    "uuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwysaaaaaaaaaaaaaaaaaaaaaa"
    "aaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuu"
    "yyyyyyyy"
)
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
# The combining diacritics (U+0300-U+036F) left after NFC composes what it can ("nai\u0308ve"
# becomes "naïve"; "İ" lower-cased by Python is "i" and U+0307): FTS5 drops them inside a word.
_MARKS = re.compile("[\u0300-\u036f]+")
# PostgreSQL's copy of the same steps, in posts migration 0011 too (the query must be the index's
# expression for the index to be used): NFC, lower case, the folded letters, no combining
# diacritics, then every run of characters that are not letters or digits becomes one space (the
# simple dictionary lower-cases each word). An ASCII body skips the first steps, which change
# nothing there: translate() alone costs a third of a millisecond a post. The letters and digits
# are ICU's ("und-x-icu"), whatever the database's own locale: under LC_CTYPE "C" the regex
# class [:alnum:] would hold ASCII only.
_PG_BODY = "COALESCE(posts_post.body, '')"
PG_VECTOR = (
    f"to_tsvector('{PG_CONFIG}'::regconfig, regexp_replace("
    f"CASE WHEN octet_length({_PG_BODY}) = char_length({_PG_BODY}) THEN {_PG_BODY} "
    f"ELSE regexp_replace(translate(lower(normalize({_PG_BODY}, NFC)), "
    f"'{FOLD_FROM}', '{FOLD_TO}'), '[\\u0300-\\u036f]+', '', 'g') END "
    "COLLATE \"und-x-icu\", '[^[:alnum:]]+', ' ', 'g'))"
)


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


# Suffixes stripped by stem(), longest first: a light English stemmer (plurals, -ing, -ed).
_SUFFIXES = ("ies", "ing", "es", "ed", "s")
_MIN_STEM = 3
# Words shorter than this match only exactly, never as a prefix (nor stemmed).
MIN_PREFIX = 3


def stem(word: str) -> str:
    """Return word without one plural, -ing or -ed ending (or a "y" after a consonant),
    keeping at least 3 letters.

    The stem is matched as a prefix, so cutting too much only finds more ("databases" ->
    "databas" finds "database"); "ss" is kept ("class" stays "class").
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            if suffix == "s" and word.endswith("ss"):
                continue
            return word[: -len(suffix)]
    # "story" -> "stor", to find "stories" too (but "play" stays: "plays" is found anyway).
    if len(word) > _MIN_STEM and word.endswith("y") and word[-2] not in "aeiouy":
        return word[:-1]
    return word


def query_words(text: str) -> list[str]:
    """Return the words of a search, lower-cased and with diacritics folded (at most 16).

    As the index sees a body: composed (NFC), combining diacritics dropped, letters folded
    before lower-casing too ("İ" is "i", not "i" and a combining dot).
    """
    text = _MARKS.sub("", unicodedata.normalize("NFC", text))
    return [w.translate(_FOLD).lower().translate(_FOLD) for w in _WORD.findall(text)][:MAX_WORDS]


def _terms(words: list[str], *, prefix: bool) -> list[tuple[str, bool]]:
    """Return each word as (term, by prefix): its stem by prefix when prefix is asked and the
    word has at least MIN_PREFIX characters, else the word itself, exactly."""
    return [(stem(w), True) if prefix and len(w) >= MIN_PREFIX else (w, False) for w in words]


def _match(words: list[str], *, prefix: bool) -> RawSQL:
    """Return the condition "every word matches" (each word's stem by prefix, or exactly;
    words shorter than MIN_PREFIX always exactly)."""
    terms = _terms(words, prefix=prefix)
    if is_sqlite():
        # Every term quoted, so AND, OR, NOT, NEAR, ":" or "-" are words, never operators.
        match = " ".join(
            '"' + t.replace('"', '""') + '"' + ("*" if by_prefix else "") for t, by_prefix in terms
        )
        return RawSQL(
            f"posts_post.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [match],
            output_field=BooleanField(),
        )
    # Words hold only letters and digits; quoting them makes each one lexeme all the same.
    terms_sql = ["'" + t + "'" + (":*" if by_prefix else "") for t, by_prefix in terms]
    return RawSQL(
        f"{PG_VECTOR} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s)",
        [" & ".join(terms_sql)],
        output_field=BooleanField(),
    )


def matching_ids(qs: QuerySet[Post], text: str, *, limit: int) -> list[int]:
    """Return the ids of up to limit posts of qs (the reader's visible posts) matching text:
    those holding every word exactly first, then those matching by prefix and stem, newest
    first in each.

    Two short queries (the newest exact matches, the newest others), each walking the
    reader's visible posts newest first, so posts the reader may not see never crowd out
    those they may, and a common word costs no ranking of every match.
    """
    words = query_words(text)
    if not words or limit <= 0:
        return []
    exact = list(
        qs.filter(_match(words, prefix=False)).order_by("-id").values_list("pk", flat=True)[:limit]
    )
    # Asked even when the exact matches fill the page, so a search always costs the same.
    others = (
        qs.filter(_match(words, prefix=True))
        .exclude(pk__in=exact)
        .order_by("-id")
        .values_list("pk", flat=True)[:limit]
    )
    return (exact + list(others))[:limit]
