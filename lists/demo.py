"""What `manage.py seed_demo` adds for lists (settings.MSG_SEED_DEMO_STEPS names it: the command
lives in timelines, below lists, so it cannot import this)."""

from lists.services import list_create, list_member_add
from social.selectors import followee_ids
from users.models import CustomUser

DEMO_LISTS = ["Compilers and languages", "Space"]


def seed_lists(*, users: list[CustomUser]) -> None:
    """Give the demo login two lists of people it follows."""
    owner = users[0]
    followed = list(
        CustomUser.objects.filter(pk__in=followee_ids(owner), is_active=True).order_by("username")
    )
    for i, title in enumerate(DEMO_LISTS):
        list_ = list_create(owner=owner, title=title)
        for user in followed[i::2][:4]:
            list_member_add(owner=owner, list_=list_, user=user)
