"""One module per Mastodon resource, each with a ninja Router; ROUTERS mounts them (api.main).

Each route: a scope (api.auth.Scoped), form parameters (api.parsing: the same whatever the
body's content type), the apps' services and selectors for the work, and api.entities for
the answer. Routes with and without a trailing slash are both served where clients call both.
"""

from ninja import Router

from api.resources import (
    accounts,
    apps,
    conversations,
    discovery,
    filters,
    instance,
    lists,
    markers,
    media,
    notifications,
    polls,
    search,
    statuses,
    timelines,
)

ROUTERS: list[tuple[str, Router]] = [
    ("", apps.router),
    ("", instance.router),
    ("", search.router),
    ("", discovery.router),
    ("", accounts.router),
    ("", timelines.router),
    ("", notifications.router),
    ("", markers.router),
    ("", lists.router),
    ("", conversations.router),
    ("", filters.router),
    ("", statuses.router),
    ("", polls.router),
    ("", media.router),
]
