"""Lists: named sets of accounts you follow, each with its own timeline."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class List(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lists"
    )
    title = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ListMember", related_name="+", blank=True
    )

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["owner", "title"], name="list_owner_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("list_detail", kwargs={"pk": self.pk})


class ListMember(models.Model):
    list = models.ForeignKey(List, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["list", "user"],
                name="listmember_unique",
                violation_error_message=_("This account is already on the list."),
            )
        ]
        indexes = [models.Index(fields=["user"], name="listmember_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} on list {self.list_id}"
