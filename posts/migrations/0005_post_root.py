import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def set_root(apps, schema_editor):
    """Every comment's root is the first post of its thread, found one level per round."""
    Post = apps.get_model("posts", "Post")
    Post.objects.filter(in_reply_to__isnull=False, in_reply_to__in_reply_to__isnull=True).update(
        root=F("in_reply_to")
    )
    while True:
        parent_root = Post.objects.filter(pk=OuterRef("in_reply_to")).values("root")[:1]
        stale = Post.objects.filter(
            root__isnull=True, in_reply_to__isnull=False, in_reply_to__root__isnull=False
        )
        if not stale.update(root=Subquery(parent_root)):
            break


class Migration(migrations.Migration):
    dependencies = [("posts", "0004_post_audience")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="root",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="posts.post",
            ),
        ),
        migrations.RunPython(set_root, migrations.RunPython.noop),
    ]
