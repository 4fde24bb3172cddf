"""PostImage.owner becomes required: existing images take their post's author as owner.

Reversible: unapplying it (and 0007 next, which makes PostImage.post required again) first
deletes the drafts, images uploaded but not yet posted (post NULL), which the schema before
0007 cannot hold: their rows, and their files once the migration commits. Nothing else goes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery


def owners_from_posts(apps, schema_editor):
    PostImage = apps.get_model("posts", "PostImage")
    Post = apps.get_model("posts", "Post")
    PostImage.objects.filter(owner__isnull=True).update(
        owner=Subquery(Post.objects.filter(pk=OuterRef("post_id")).values("author_id")[:1])
    )
    # An image without a post and without an owner cannot exist before this migration.
    PostImage.objects.filter(owner__isnull=True).delete()


def drafts_delete(apps, schema_editor):
    """Delete the drafts (post NULL), and their files on commit: 0007's reverse needs a post."""
    PostImage = apps.get_model("posts", "PostImage")
    drafts = PostImage.objects.using(schema_editor.connection.alias).filter(post__isnull=True)
    storage = PostImage._meta.get_field("image").storage
    names = [name for pair in drafts.values_list("image", "thumbnail") for name in pair if name]
    drafts.delete()

    def delete_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0007_microblog_features"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(owners_from_posts, drafts_delete),
        migrations.AlterField(
            model_name="postimage",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
