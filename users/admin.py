from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from users.forms import CustomUserChangeForm, CustomUserCreationForm
from users.models import CustomUser
from users.services import user_create, user_delete, user_update

# The change form's fields that user_update writes (the rest are read-only here).
UPDATABLE = (
    "username",
    "email",
    "email_verified",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
)


class CustomUserAdmin(UserAdmin):
    model = CustomUser
    add_form = CustomUserCreationForm
    form = CustomUserChangeForm
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "email_verified")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                # No "usable_password": that field belongs to AdminUserCreationForm, and
                # CustomUserCreationForm lacks it, so listing it made the add page crash.
                "fields": ("username", "email", "password1", "password2"),
            },
        ),
    )

    def save_model(
        self, request: HttpRequest, obj: CustomUser, form: ModelForm, change: bool
    ) -> None:
        """Write through the users services, never with obj.save()."""
        data = form.cleaned_data
        if change:
            # obj already holds the form's values; user_update compares against the stored row.
            changes: dict[str, Any] = {name: data[name] for name in UPDATABLE if name in data}
            user_update(user=CustomUser.objects.get(pk=obj.pk), **changes)
        else:
            # The operator vouches for the address, so mandatory verification does not lock
            # the new user out.
            user = user_create(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                email_verified=True,
            )
            # The admin logs the addition and redirects with the object the form built.
            obj.pk = user.pk
            obj._state.adding = False

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        # user_update has set the groups and permissions already; form.save_m2m() would write
        # them a second time, outside the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: CustomUser) -> None:
        user_delete(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CustomUser]) -> None:
        for user in queryset:
            user_delete(user=user)


admin.site.register(CustomUser, CustomUserAdmin)
