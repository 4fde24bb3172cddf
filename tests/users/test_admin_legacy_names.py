"""The user admin saves through user_update: an account holding a value saved before a rule
existed can still be changed."""

import pytest
from django.urls import reverse

from tests.factories import SuperUserFactory, UserFactory
from tests.users.helpers import change_form_data
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def test_admin_can_deactivate_a_user_whose_display_name_predates_the_validator(client):
    """Expected: the operator deactivates the account (302, is_active False), as before the
    architecture work, when the admin saved the row directly.
    Actual: user_update full_cleans every field, the form does not show display_name, so the
    ValidationError escapes save_model and ServiceErrorMiddleware answers 400 "Not accepted";
    the account stays active. Display names set before users 0003 (which added the validator
    and cleaned no rows), e.g. with a bidi override used to spoof a name, are still in the data,
    so exactly the abusive accounts cannot be deactivated or edited in the admin."""
    superuser = SuperUserFactory()
    spoofer = UserFactory(username="spoofer")
    # A row written before users 0003_display_name_characters added validate_display_name.
    CustomUser.objects.filter(pk=spoofer.pk).update(display_name="\u202enimda")
    client.force_login(superuser)
    url = reverse("admin:users_customuser_change", args=[spoofer.pk])
    response = client.post(url, change_form_data(client, spoofer, is_active=None))
    spoofer.refresh_from_db()
    assert (response.status_code, spoofer.is_active) == (302, False), response.content[:300]
