from django import template

from posts.models import Post
from users.models import CustomUser

register = template.Library()


@register.filter
def others(message: Post, viewer: CustomUser) -> list[CustomUser]:
    """Return the people in message's conversation but viewer: its author and mentions."""
    people = [message.author, *message.mentions.all()]
    seen: set[int] = set()
    result = []
    for person in people:
        if person.pk != viewer.pk and person.pk not in seen:
            seen.add(person.pk)
            result.append(person)
    return result
