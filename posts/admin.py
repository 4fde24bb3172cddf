from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from posts import services
from posts.models import Post, Visibility
from users.models import CustomUser


def _staff(request: HttpRequest) -> CustomUser:
    """Return the admin's user (the admin site only admits logged-in staff)."""
    return cast(CustomUser, request.user)


class PostAdminForm(forms.ModelForm):
    """The change form, checked by the service's rules so a refused body shows as a field error."""

    class Meta:
        model = Post
        fields = ["body"]

    def clean_body(self) -> str:
        try:
            return services.post_body_clean(self.cleaned_data["body"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["body"]) from error


class CommentInline(admin.TabularInline):
    model = Post
    fk_name = "in_reply_to"
    fields = ["author", "body", "created_at"]
    readonly_fields = ["author", "body", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "comment"
    verbose_name_plural = "comments"

    def has_add_permission(self, request: HttpRequest, obj: Post | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        # Direct messages are private conversations: staff do not read them.
        return super().get_queryset(request).exclude(visibility=Visibility.DIRECT)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "short_body", "is_comment", "created_at", "edited_at"]
    list_filter = [("in_reply_to", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author"]
    form = PostAdminForm
    fields = ["author", "in_reply_to", "body", "created_at", "edited_at"]
    readonly_fields = ["author", "in_reply_to", "created_at", "edited_at"]
    inlines = [CommentInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        # Direct messages are private conversations (as in Mastodon, moderators see no DMs):
        # they are not listed, searched, opened, edited or deleted here.
        return super().get_queryset(request).exclude(visibility=Visibility.DIRECT)

    @admin.display(description="body")
    def short_body(self, obj: Post) -> str:
        return obj.body[:80]

    @admin.display(boolean=True, description="comment")
    def is_comment(self, obj: Post) -> bool:
        return obj.in_reply_to_id is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Posts are written on the site, by their authors.
        return False

    def save_model(
        self, request: HttpRequest, obj: Post, form: forms.ModelForm, change: bool
    ) -> None:
        try:
            services.post_edit(user=_staff(request), post=obj, body=form.cleaned_data["body"])
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, f"Not saved: {error}", messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: Post) -> None:
        services.post_delete(user=_staff(request), post=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        for post in queryset:
            # A comment may already be gone with its post earlier in this loop.
            if Post.objects.filter(pk=post.pk).exists():
                services.post_delete(user=_staff(request), post=post)
