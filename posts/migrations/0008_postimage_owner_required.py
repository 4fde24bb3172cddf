import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def owners_from_posts(apps, schema_editor):
    PostImage = apps.get_model("posts", "PostImage")
    Post = apps.get_model("posts", "Post")
    PostImage.objects.filter(owner__isnull=True).update(
        owner=Subquery(Post.objects.filter(pk=OuterRef("post_id")).values("author_id")[:1])
    )
    # An image without a post and without an owner cannot exist before this migration.
    PostImage.objects.filter(owner__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0007_microblog_features"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(owners_from_posts, migrations.RunPython.noop),
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
