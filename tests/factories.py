"""factory_boy factories. They build through the service functions, so they obey every rule."""

from typing import Any

import factory

from posts.models import Post
from posts.services import post_create
from social.models import Follow
from social.services import follow_create
from users.models import CustomUser
from users.services import user_create

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.Factory):
    class Meta:
        model = CustomUser

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = PASSWORD
    email_verified = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> CustomUser:
        return user_create(**kwargs)


class PostFactory(factory.Factory):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    body = factory.Faker("sentence")
    in_reply_to: Any = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Post:
        return post_create(**kwargs)


class CommentFactory(PostFactory):
    in_reply_to = factory.SubFactory(PostFactory)


class FollowFactory(factory.Factory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Follow:
        return follow_create(**kwargs)


class SuperUserFactory(UserFactory):
    """A superuser with a verified address, as the admin or createsuperuser would make one."""

    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True
