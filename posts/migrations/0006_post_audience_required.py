import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def fill_audience(apps, schema_editor):
    """Give a post saved without an audience (none should exist) its author's followers."""
    Post = apps.get_model("posts", "Post")
    Post.objects.filter(audience__isnull=True).update(audience=F("author"))


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0005_post_root"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fill_audience, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="post",
            name="audience",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
