"""A code sent twice at the same moment gives one token, never two.

Two threads, each with its own database connection, start together on a barrier. On
PostgreSQL the two token requests really overlap; on SQLite they are serialised by IMMEDIATE
transactions, and the test checks the same outcome.
"""

from functools import partial

import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model

from tests.api.test_oauth_flow import answer, authorize_url, code_from, exchange, register
from tests.factories import UserFactory
from tests.threads import race

AccessToken = get_access_token_model()

TRIES = 5


def _send(app: dict, code: str, statuses: list[int]) -> None:
    statuses.append(exchange(app, code).status_code)


@pytest.mark.django_db(transaction=True)
def test_a_code_used_twice_at_once_gives_one_token():
    app = register(Client())
    member = Client()
    member.force_login(UserFactory())
    for _ in range(TRIES):
        AccessToken.objects.all().delete()
        code = code_from(answer(member, authorize_url(app)))
        statuses: list[int] = []
        send = partial(_send, app, code, statuses)
        errors = race(send, send)
        assert errors == []
        assert sorted(statuses) == [200, 400]
        assert AccessToken.objects.count() == 1
