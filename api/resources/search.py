"""Search: /api/v2/search, through the web search's own selectors (timelines.views.search).

People by name (social.selectors.search_people), hashtags by prefix (posts.selectors
.search_tags) and posts by full text (posts.selectors.search_post_ids, the rule of
search_posts), each seeing only what the reader may see on the web. A query that is the
address of a post or a profile on this server, or a handle `name@this-host`, finds that post
or account alone (if the reader may see it); one on another server finds nothing, since msg
fetches nothing from elsewhere. Search needs a token, as on the web, where it is for members
only.
"""

import re
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, field_validator

from api import schemas
from api.auth import Scoped, user_of
from api.entities import Entities
from api.resources.discovery import MAX_OFFSET, tag_entities
from api.resources.instance import local_hosts
from api.selectors import status_rows
from posts.models import Post
from posts.selectors import post_readable, search_post_ids, search_tags
from social.selectors import search_people
from users.models import CustomUser

router = Router(tags=["search"])

LIMITS = (20, 40)
# As the web search reads its query (timelines.views.search).
MAX_QUERY_LENGTH = 200
KINDS = ("accounts", "statuses", "hashtags")
MISSING_QUERY = "param is missing or the value is empty: q"

_NAME = r"(?P<name>[A-Za-z0-9_]+)"
# re.ASCII, and no IGNORECASE on names: case folding lets non-ASCII letters pass for ASCII.
POST_URL = re.compile(rf"https?://(?P<host>[^/?#\s]+)/@{_NAME}/(?P<pk>[0-9]{{1,18}})/?", re.ASCII)
PROFILE_URL = re.compile(rf"https?://(?P<host>[^/?#\s]+)/@{_NAME}/?", re.ASCII)
HANDLE = re.compile(rf"@?{_NAME}@(?P<host>[^@/\s]+)", re.ASCII)
ANY_URL = re.compile(r"https?://", re.ASCII | re.IGNORECASE)


def search_text(q: str) -> str:
    """Return the search text q as the searches use it (/api/v2/search, and accounts search):
    without NULs (no database can match one; PostgreSQL refuses them with an error), without
    surrounding spaces, at most MAX_QUERY_LENGTH characters."""
    return q.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def _flag(value: Any) -> Any:
    return value if str(value).lower() in ("1", "0", "true", "false") else None


class SearchQuery(Schema):
    q: str = Field("", description="What to look for: words, a #tag, @name, or an address")
    type: str | None = Field(None, description="accounts, statuses or hashtags (default: all)")
    resolve: bool | None = Field(None, description="Accepted: msg never fetches from elsewhere")
    following: bool | None = Field(None, description="Only accounts you follow")
    account_id: str | None = Field(None, description="Only posts by this account")
    max_id: str | None = Field(None, description="Only posts older than this id")
    min_id: str | None = Field(None, description="Only posts newer than this id")
    exclude_unreviewed: bool | None = Field(None, description="Accepted, not applied")
    limit: int | None = Field(None, description="Results of each type (at most 40)")
    offset: int | None = Field(None, description="Results of each type to skip")

    @field_validator("limit", "offset", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return _int(value)

    @field_validator("resolve", "following", "exclude_unreviewed", mode="before")
    @classmethod
    def _boolean(cls, value: Any) -> Any:
        return _flag(value)

    @field_validator("q", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return "" if value is None else str(value)


def _window(query: SearchQuery) -> tuple[int, int]:
    default, maximum = LIMITS
    limit = default if query.limit is None or query.limit <= 0 else min(query.limit, maximum)
    offset = max(query.offset or 0, 0)
    return offset, (limit if offset <= MAX_OFFSET else 0)


def _resolved(
    request: HttpRequest, viewer: CustomUser, q: str, *, resolve: bool
) -> tuple[str, Any] | None:
    """Return what q names when it is an address or a handle: ("statuses", [row]),
    ("accounts", [user]), or ("none", []) for one that names nothing the reader may see;
    None when q is ordinary search text."""
    here = local_hosts(request)
    if match := POST_URL.fullmatch(q):
        if match["host"].lower() in here:
            qs = post_readable(viewer, username=match["name"], pk=int(match["pk"]))
            return "statuses", list(status_rows(qs, viewer))
    elif match := PROFILE_URL.fullmatch(q) or HANDLE.fullmatch(q):
        if match["host"].lower() in here:
            found = list(search_people(viewer, match["name"], limit=1))
            exact = [u for u in found if u.username.lower() == match["name"].lower()]
            return "accounts", exact
        if HANDLE.fullmatch(q):
            # An account on another server: msg cannot look it up.
            return "none", []
    if resolve and ANY_URL.match(q):
        # An address elsewhere (or of no post or profile): nothing to fetch it with.
        return "none", []
    return None


@router.get(
    "/v2/search",
    auth=Scoped("read:search"),
    response={
        200: schemas.Search,
        400: schemas.Error,
        401: schemas.Error,
        403: schemas.Error,
        422: schemas.Error,
    },
    summary="Search",
)
def search(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Return the accounts, hashtags and posts matching q that you may see, as the web's
    search page finds them; an address or handle on this server finds that post or account."""
    viewer = user_of(request)
    q = search_text(query.q)
    if not q:
        raise HttpError(400, MISSING_QUERY)
    kinds = set(KINDS) if not query.type else {query.type} & set(KINDS)
    offset, limit = _window(query)
    people: list[CustomUser] = []
    tags: list[Any] = []
    rows: list[Post] = []
    resolved = _resolved(request, viewer, q, resolve=bool(query.resolve))
    if resolved is not None:
        kind, found = resolved
        if offset == 0 and limit and kind in kinds:
            people = found if kind == "accounts" else []
            rows = found if kind == "statuses" else []
    elif limit:
        term = q.lstrip("@#")
        wanted = offset + limit
        if term and "accounts" in kinds:
            found_people = search_people(
                viewer, term, limit=wanted, following=bool(query.following)
            )
            people = list(found_people)[offset:]
        if term and "hashtags" in kinds:
            tags = list(search_tags(viewer, term, limit=wanted))[offset:]
        if "statuses" in kinds:
            rows = _posts(viewer, q, query, wanted=wanted, offset=offset)
    entities = Entities(request, viewer)
    authors = [r.author for r in rows] + [r.repost_of.author for r in rows if r.repost_of]
    entities.load_accounts([*people, *authors])
    return {
        "accounts": entities.accounts(people),
        "statuses": entities.statuses(rows),
        "hashtags": tag_entities(request, viewer, tags),
        "collections": [],
    }


def _posts(
    viewer: CustomUser, q: str, query: SearchQuery, *, wanted: int, offset: int
) -> list[Post]:
    """Return the posts matching q, as status rows, in the search's order."""
    author_id = None
    if query.account_id is not None:
        author_id = _int(query.account_id)
        if author_id is None:
            return []
    ids = search_post_ids(
        viewer,
        q,
        limit=wanted,
        author_id=author_id,
        max_id=_int(query.max_id),
        min_id=_int(query.min_id),
    )[offset:]
    if not ids:
        return []
    place = {pk: n for n, pk in enumerate(ids)}
    rows = list(status_rows(Post.objects.filter(pk__in=ids), viewer))
    return sorted(rows, key=lambda row: place[row.pk])


@router.get("/v1/search", auth=None, response={404: schemas.Error}, include_in_schema=False)
def search_v1(request: HttpRequest) -> dict[str, str]:
    """Answer 404: Mastodon removed v1 search in 3.0; clients use /api/v2/search."""
    raise HttpError(404, "Record not found")
