"""Review findings: the user admin after every change went through user_update."""

import pytest
from django.forms import MultiWidget
from django.urls import reverse

from tests.factories import SuperUserFactory, UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def _change_form_data(client, user: CustomUser, **changes) -> dict:
    response = client.get(reverse("admin:users_customuser_change", args=[user.pk]))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled or name == "password":
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = part.isoformat()
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


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
    response = client.post(url, _change_form_data(client, spoofer, is_active=None))
    spoofer.refresh_from_db()
    assert (response.status_code, spoofer.is_active) == (302, False), response.content[:300]
