"""The client API: one NinjaAPI under /api/, a router per Mastodon resource (api/resources/).

Every route is exempt from the site's login redirect (LoginRequiredMiddleware): it answers
401 as JSON itself when a token is needed. /api/openapi.json documents every route.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from api import errors
from api.parsing import MastodonParser
from api.resources import ROUTERS

API_VERSION = "4.7.0"


class Renderer(JSONRenderer):
    """JSON with the charset Mastodon clients expect."""

    media_type = "application/json"
    charset = "utf-8"


api = NinjaAPI(
    title="msg client API (Mastodon-compatible)",
    version="1.0",
    description="The Mastodon client API as msg serves it: see docs/api.md.",
    parser=MastodonParser(),
    renderer=Renderer(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for prefix, router in ROUTERS:
    api.add_router(prefix, router)


def _exempt(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


def urls() -> tuple[list, str, str]:
    """Return api.urls with every view exempt from the login redirect."""
    patterns, app_name, namespace = api.urls
    return _exempt(list(patterns)), app_name, namespace
