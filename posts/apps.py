from django.apps import AppConfig


class PostsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "posts"

    def ready(self) -> None:
        """Have account deletion remove the account's posts, their files and search rows."""
        # Imported here, as Django asks of code that needs the models: apps are not loaded
        # when this module is.
        from posts.services import account_posts_delete
        from users.services import ACCOUNT_DELETE_STEPS

        if account_posts_delete not in ACCOUNT_DELETE_STEPS:
            ACCOUNT_DELETE_STEPS.append(account_posts_delete)
