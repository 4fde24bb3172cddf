"""How every route reads its parameters: Mastodon's form keys, whatever the body's type.

api.middleware has already put the body of any method into request.POST (JSON flattened into
form keys). Here `key[]` becomes the list `key`, and a bracketed key such as `poll[options][]`
is kept as `poll[options]`: schemas name those fields by alias.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser


class MastodonParser(Parser):
    """Parse query strings and bodies the way Rails does for Mastodon's clients."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # Routes read form parameters (Form[...]), never a raw JSON body: see api.middleware.
        return self.parse_querydict(request.POST, [], request)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        wanted = set(list_fields)
        for key in data:
            if key.endswith("[]"):
                name = key[:-2]
                result.setdefault(name, []).extend(data.getlist(key))
            elif key in wanted:
                result.setdefault(key, []).extend(data.getlist(key))
            else:
                result[key] = data.getlist(key)[-1]
        # A list field sent once without brackets (`id=1`) is a list of one.
        for name in wanted:
            if name in result and not isinstance(result[name], list):
                result[name] = [result[name]]
        return result
