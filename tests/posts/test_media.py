"""Images uploaded before their post: drafts owned by the uploader, attached by id, described
before and after posting, and deleted by the periodic job when nobody attached them."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from posts.models import Post, PostEdit, PostImage
from posts.services import ImageUpload, history, post_create, post_edit
from posts.services import media as services
from tests.core.test_images import UNDECODABLE, encode, media_files, quadrants, upload
from tests.factories import UserFactory
from tests.pages import HTMX
from tests.threads import in_thread

pytestmark = pytest.mark.django_db


def png(size=(64, 48)) -> bytes:
    return encode(quadrants(size), "PNG")


def draft_of(owner, alt: str = "four squares", size=(64, 48)) -> PostImage:
    return services.media_upload(owner=owner, file=upload(png(size)), alt_text=alt)


def files_of(image: PostImage) -> set[str]:
    return {default_storage.path(f.name) for f in (image.image, image.thumbnail)}


# Upload ---------------------------------------------------------------------------------


def test_an_upload_is_a_draft_of_its_owner_with_a_thumbnail(user):
    """The image is checked, resized and stored with a thumbnail, attached to no post yet;
    a draft may wait for its description."""
    draft = services.media_upload(owner=user, file=upload(png((2000, 1000))))
    draft.refresh_from_db()
    assert (draft.owner, draft.post, draft.alt_text) == (user, None, "")
    assert (draft.width, draft.height) == (services.IMAGE_LONGEST_SIDE, 800)
    assert files_of(draft) <= media_files()
    assert len(media_files()) == 2


@pytest.mark.parametrize("make", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_an_undecodable_upload_is_refused_and_stores_nothing(user, make):
    with pytest.raises(ValidationError) as excinfo:
        services.media_upload(owner=user, file=upload(make()), alt_text="broken")
    assert "not an image we can read" in " ".join(excinfo.value.message_dict["file"])
    assert not PostImage.objects.exists()
    assert media_files() == set()


@pytest.mark.parametrize("alt", ["a" * (services.ALT_TEXT_MAX_LENGTH + 1), "nul \x00 here"])
def test_an_upload_with_bad_alt_text_is_refused(user, alt):
    with pytest.raises(ValidationError) as excinfo:
        services.media_upload(owner=user, file=upload(png()), alt_text=alt)
    assert "alt_text" in excinfo.value.message_dict
    assert media_files() == set()


def test_an_account_cannot_pile_up_drafts(user, settings, monkeypatch):
    """Past MAX_DRAFTS waiting images, an upload is refused until some are posted or removed."""
    monkeypatch.setattr(services, "MAX_DRAFTS", 2)
    draft_of(user)
    draft = draft_of(user)
    with pytest.raises(ValidationError) as excinfo:
        draft_of(user)
    assert "waiting to be posted" in excinfo.value.message_dict["file"][0]
    post_create(author=user, body="one", media_ids=[draft.pk])
    draft_of(user)  # room again
    assert PostImage.objects.filter(post__isnull=True).count() == 2


# Attach ---------------------------------------------------------------------------------


def test_a_post_attaches_drafts_in_the_order_given(user):
    drafts = [draft_of(user, alt=f"picture {n}") for n in range(4)]
    order = [drafts[2].pk, drafts[0].pk, drafts[3].pk, drafts[1].pk]
    post = post_create(author=user, body="four", media_ids=order)
    assert [(i.pk, i.position) for i in post.images.all()] == [
        (pk, n) for n, pk in enumerate(order)
    ]
    assert not PostImage.objects.filter(post__isnull=True).exists()


def test_drafts_follow_images_uploaded_with_the_post(user):
    """The old images= path and drafts together: the uploads first, then the drafts."""
    draft = draft_of(user, alt="draft")
    upload_with_post = ImageUpload(file=upload(png()), alt_text="inline")
    post = post_create(author=user, body="mixed", images=[upload_with_post], media_ids=[draft.pk])
    assert [(i.alt_text, i.position) for i in post.images.all()] == [("inline", 0), ("draft", 1)]


def refused(author, ids, **kwargs) -> str:
    """Return why post_create refuses these media ids, checking that it saved nothing."""
    before = set(PostImage.objects.values_list("pk", "post_id"))
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=author, body="refused", media_ids=ids, **kwargs)
    assert not Post.objects.filter(body="refused").exists()
    assert set(PostImage.objects.values_list("pk", "post_id")) == before
    return " ".join(excinfo.value.message_dict["media"])


def test_someone_elses_draft_cannot_be_attached(user, other_user):
    theirs = draft_of(other_user)
    assert str(services.NOT_ATTACHABLE) in refused(user, [theirs.pk])


def test_an_attached_image_cannot_be_attached_again(user):
    draft = draft_of(user)
    post_create(author=user, body="first", media_ids=[draft.pk])
    assert str(services.NOT_ATTACHABLE) in refused(user, [draft.pk])


def test_a_missing_id_is_refused(user):
    draft = draft_of(user)
    assert str(services.NOT_ATTACHABLE) in refused(user, [draft.pk, draft.pk + 1000])


def test_the_same_draft_twice_is_refused(user):
    draft = draft_of(user)
    assert "twice" in refused(user, [draft.pk, draft.pk])


def test_more_than_four_images_in_all_are_refused(user):
    drafts = [draft_of(user) for _ in range(5)]
    assert "at most 4" in refused(user, [d.pk for d in drafts])
    inline = [ImageUpload(file=upload(png()), alt_text="inline")]
    assert "at most 4" in refused(user, [d.pk for d in drafts[:4]], images=inline)


@pytest.mark.parametrize("alt", ["", "  \n "])
def test_a_draft_without_alt_text_cannot_be_posted(user, alt):
    described, blank = draft_of(user), draft_of(user, alt=alt)
    assert str(services.ALT_REQUIRED) in refused(user, [described.pk, blank.pk])


def test_attach_refuses_a_draft_of_another_uploader(user, other_user):
    """attach itself checks the uploader, whatever its caller passed."""
    theirs = draft_of(other_user)
    post = post_create(author=user, body="mine")
    with pytest.raises(PermissionDenied):
        services.attach(post, [theirs])
    assert PostImage.objects.get(pk=theirs.pk).post_id is None


@pytest.mark.django_db(transaction=True)
def test_two_posts_cannot_take_the_same_draft():
    """While one post holds a draft (between its check and its commit), a second post with
    the same id waits for it, then is refused: the draft ends in exactly one post."""
    author = UserFactory()
    draft = draft_of(author)
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                drafts = services.drafts_to_attach(owner=author, ids=[draft.pk])
                post = Post.objects.create(author=author, body="first", audience=author)
                locked.set()
                release.wait(timeout=10)
                services.attach(post, drafts)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert locked.wait(timeout=10)
    # The second post blocks on the lock (PostgreSQL) or the write lock (SQLite) until the
    # first commits; let the first go on shortly after the second has started.
    threading.Timer(0.5, release.set).start()
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=author, body="second", media_ids=[draft.pk])
    thread.join(timeout=10)
    assert errors == []
    assert services.NOT_ATTACHABLE in excinfo.value.message_dict["media"]
    assert PostImage.objects.get(pk=draft.pk).post == Post.objects.get(body="first")
    assert not Post.objects.filter(body="second").exists()


# Describe -------------------------------------------------------------------------------


def test_the_uploader_describes_a_draft_and_may_leave_it_empty(user):
    draft = draft_of(user, alt="")
    services.media_update(owner=user, media=draft, alt_text="  a red square  ")
    assert PostImage.objects.get(pk=draft.pk).alt_text == "a red square"
    services.media_update(owner=user, media=draft, alt_text="")
    assert PostImage.objects.get(pk=draft.pk).alt_text == ""


def test_nobody_else_describes_a_draft(user, other_user):
    draft = draft_of(user, alt="mine")
    with pytest.raises(PermissionDenied):
        services.media_update(owner=other_user, media=draft, alt_text="theirs")
    assert PostImage.objects.get(pk=draft.pk).alt_text == "mine"


def test_the_author_describes_a_posted_image_and_the_version_is_kept(user, other_user):
    """After posting, only the post's author may change the alt text, never to nothing; the
    post keeps the version before the change and is marked edited."""
    draft = draft_of(user, alt="before")
    post = post_create(author=user, body="posted", media_ids=[draft.pk])
    with pytest.raises(PermissionDenied):
        services.media_update(owner=other_user, media=draft, alt_text="vandalised")
    with pytest.raises(ValidationError):
        services.media_update(owner=user, media=draft, alt_text="   ")
    assert not PostEdit.objects.exists()
    services.media_update(owner=user, media=draft, alt_text="after")
    assert PostImage.objects.get(pk=draft.pk).alt_text == "after"
    version = PostEdit.objects.get(post=post)
    assert [entry["alt_text"] for entry in version.images] == ["before"]
    assert Post.objects.get(pk=post.pk).edited_at is not None


def test_the_same_alt_text_keeps_no_version(user):
    draft = draft_of(user, alt="same")
    post_create(author=user, body="posted", media_ids=[draft.pk])
    services.media_update(owner=user, media=draft, alt_text="same ")
    assert not PostEdit.objects.exists()


def test_describe_saves_only_the_owners_drafts(user, other_user):
    mine, theirs = draft_of(user, alt=""), draft_of(other_user, alt="theirs")
    posted = draft_of(user, alt="posted")
    post_create(author=user, body="p", media_ids=[posted.pk])
    services.media_describe(
        owner=user, alt_texts={mine.pk: " new ", theirs.pk: "hijack", posted.pk: "sneaky"}
    )
    texts = dict(PostImage.objects.values_list("pk", "alt_text"))
    assert (texts[mine.pk], texts[theirs.pk], texts[posted.pk]) == ("new", "theirs", "posted")


def test_removing_a_draft_deletes_it_and_its_files_on_commit(user, other_user, commits):
    draft = draft_of(user)
    with pytest.raises(PermissionDenied):
        services.media_delete(owner=other_user, media=draft)
    stored = files_of(draft)
    assert stored <= media_files()
    services.media_delete(owner=user, media=draft)
    assert not PostImage.objects.filter(pk=draft.pk).exists()
    assert not stored & media_files()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the writers")
@pytest.mark.django_db(transaction=True)
def test_editing_a_post_while_describing_its_image_does_not_deadlock(monkeypatch):
    """The author edits a post (the edit page sends every image's alt text) while another tab
    saves one image's alt text (media_update). Both lock the post first, then its images, so
    the second waits for the first instead of deadlocking (an OperationalError, a 500, one
    change lost), and both changes are kept: the last one's text, the first as a version.

    Here the edit holds the post for a moment before it updates the image, long enough for the
    description to start.
    """
    author = UserFactory()
    image = draft_of(author)
    post = post_create(author=author, body="A picture", media_ids=[image.pk])
    real_lock = history.post_lock
    edit_holds_the_post = threading.Event()

    def lock_then_pause(target):
        real_lock(target)
        if not edit_holds_the_post.is_set():  # the edit's lock, taken first
            edit_holds_the_post.set()
            time.sleep(1.0)

    monkeypatch.setattr(history, "post_lock", lock_then_pause)
    errors: list[BaseException] = []
    refused: list[BaseException] = []
    edit = in_thread(
        lambda: post_edit(
            user=author,
            post=Post.objects.get(pk=post.pk),
            body="A picture, edited",
            alt_texts={image.pk: "from tab two"},
        ),
        errors,
        refused,
    )
    assert edit_holds_the_post.wait(timeout=10)
    describe = in_thread(
        lambda: services.media_update(
            owner=author, media=PostImage.objects.get(pk=image.pk), alt_text="from tab one"
        ),
        errors,
        refused,
    )
    edit.join(timeout=20)
    describe.join(timeout=20)
    assert errors == [], f"{type(errors[0]).__name__}: {errors[0]}"
    assert refused == []
    assert PostImage.objects.get(pk=image.pk).alt_text == "from tab one"
    assert Post.objects.get(pk=post.pk).body == "A picture, edited"
    kept = [entry["alt_text"] for v in PostEdit.objects.order_by("pk") for entry in v.images]
    assert kept == ["four squares", "from tab two"]


# Stale drafts ---------------------------------------------------------------------------


def test_stale_drafts_are_deleted_with_their_files(user, commits):
    """Drafts older than a day go, with their files; newer drafts and posted images stay."""
    with time_machine.travel(timezone.now() - timedelta(hours=25)):
        old = draft_of(user)
        old_posted = draft_of(user)
        post_create(author=user, body="kept", media_ids=[old_posted.pk])
    with time_machine.travel(timezone.now() - timedelta(hours=23)):
        recent = draft_of(user)
    old_files = files_of(old)
    assert services.media_delete_stale() == 1
    assert set(PostImage.objects.values_list("pk", flat=True)) == {old_posted.pk, recent.pk}
    assert not old_files & media_files()
    assert files_of(old_posted) | files_of(recent) <= media_files()


def test_stale_drafts_are_deleted_in_batches(user, commits):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        drafts = [draft_of(user) for _ in range(5)]
    assert services.media_delete_stale(batch=2) == len(drafts)
    assert not PostImage.objects.exists()
    assert media_files() == set()


def test_the_command_deletes_stale_drafts(user, commits):
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        draft_of(user)
    out = StringIO()
    call_command("delete_stale_media", stdout=out)
    assert PostImage.objects.count() == 1, "a 3-hour-old draft is not stale by default"
    call_command("delete_stale_media", "--hours", "2", stdout=out)
    assert not PostImage.objects.exists()
    assert media_files() == set()
    assert out.getvalue().splitlines() == [
        "Deleted 0 unattached images.",
        "Deleted 1 unattached image.",
    ]
    with pytest.raises(CommandError):
        call_command("delete_stale_media", "--hours", "0")


# The endpoints ----------------------------------------------------------------------------


def test_htmx_upload_answers_with_the_draft_in_place_of_its_file_input(member_client, user):
    response = member_client.post(
        reverse("media_upload"),
        {"slot": "2", "image_2": upload(png()), "image_2_alt": "typed first"},
        headers=HTMX,
    )
    assert response.status_code == 200
    draft = PostImage.objects.get()
    page = response.content.decode()
    assert (draft.owner, draft.post, draft.alt_text) == (user, None, "typed first")
    assert f'<input type="hidden" name="media" value="{draft.pk}">' in page
    assert f'name="alt_{draft.pk}"' in page
    assert draft.thumbnail.url in page
    assert '"slot": "2"' in page and "Remove image 2" in page
    assert "<html" not in page


@pytest.mark.parametrize("make", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_htmx_upload_of_a_bad_file_shows_the_error_at_its_file_input(member_client, make):
    response = member_client.post(
        reverse("media_upload"),
        {"slot": "1", "image_1": upload(make()), "image_1_alt": "kept"},
        headers=HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200, "htmx swaps only a 2xx answer"
    assert 'id="media-slot-1"' in page and 'role="alert"' in page
    assert "not an image we can read" in page or "Upload a valid image" in page
    assert 'value="kept"' in page
    assert not PostImage.objects.exists()


def test_plain_upload_redirects_to_the_compose_form_showing_the_draft(member_client):
    response = member_client.post(
        reverse("media_upload"), {"file": upload(png()), "alt_text": "plain"}
    )
    draft = PostImage.objects.get()
    assert response.status_code == 302
    assert response.url == f"{reverse('home')}?media={draft.pk}"
    page = member_client.get(response.url).content.decode()
    assert f'name="media" value="{draft.pk}"' in page
    assert ">plain</textarea>" in page


def test_plain_upload_without_a_file_is_a_400(member_client):
    response = member_client.post(reverse("media_upload"), {"alt_text": "nothing"})
    assert response.status_code == 400
    assert not PostImage.objects.exists()


def test_alt_text_is_saved_in_place_with_htmx_and_by_a_plain_post(member_client, user):
    draft = draft_of(user, alt="")
    url = reverse("media_update", args=[draft.pk])
    response = member_client.post(url, {f"alt_{draft.pk}": "via htmx"}, headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode() == "Description saved."
    assert PostImage.objects.get(pk=draft.pk).alt_text == "via htmx"
    response = member_client.post(url, {"alt_text": "via a form", "next": "/explore/"})
    assert (response.status_code, response.url) == (302, "/explore/")
    assert PostImage.objects.get(pk=draft.pk).alt_text == "via a form"


def test_alt_text_of_a_posted_image_is_editable_by_its_author_only(
    member_client, client, user, other_user
):
    draft = draft_of(user, alt="before")
    post = post_create(author=user, body="posted", media_ids=[draft.pk])
    url = reverse("media_update", args=[draft.pk])
    response = member_client.post(url, {"alt_text": "after"})
    assert (response.status_code, response.url) == (302, post.get_absolute_url())
    response = member_client.post(url, {"alt_text": " "}, headers=HTMX)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    client.force_login(other_user)
    assert client.post(url, {"alt_text": "theirs"}).status_code == 404
    assert PostImage.objects.get(pk=draft.pk).alt_text == "after"


def test_removing_a_draft_with_htmx_gives_back_its_file_input(member_client, user, other_user):
    theirs = draft_of(other_user)
    assert member_client.post(reverse("media_remove", args=[theirs.pk])).status_code == 404
    draft = draft_of(user)
    response = member_client.post(
        reverse("media_remove", args=[draft.pk]), {"slot": "3"}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'id="media-slot-3"' in response.content.decode()
    assert 'name="image_3"' in response.content.decode()
    assert not PostImage.objects.filter(pk=draft.pk).exists()
    assert PostImage.objects.filter(pk=theirs.pk).exists()


def test_a_posted_image_cannot_be_removed_as_a_draft(member_client, user):
    draft = draft_of(user)
    post_create(author=user, body="posted", media_ids=[draft.pk])
    assert member_client.post(reverse("media_remove", args=[draft.pk])).status_code == 404
    assert PostImage.objects.filter(pk=draft.pk).exists()


def test_the_endpoints_take_only_post(member_client, user):
    draft = draft_of(user)
    for url in (
        reverse("media_upload"),
        reverse("media_update", args=[draft.pk]),
        reverse("media_remove", args=[draft.pk]),
    ):
        assert member_client.get(url).status_code == 405


# Query counts -----------------------------------------------------------------------------

# The session and the member; the transaction (a savepoint inside the test's own, two
# queries) holding the drafts count and the insert.
UPLOAD_QUERIES = 2 + 2 + 1 + 1
# The session and the member, the image (with its post); the transaction holding the locked
# reload and the update.
DESCRIBE_QUERIES = 2 + 1 + 2 + 1 + 1


def test_upload_query_count(member_client, django_assert_num_queries):
    with django_assert_num_queries(UPLOAD_QUERIES):
        response = member_client.post(
            reverse("media_upload"), {"slot": "1", "image_1": upload(png())}, headers=HTMX
        )
    assert response.status_code == 200


def test_describe_query_count(member_client, user, django_assert_num_queries):
    draft = draft_of(user, alt="")
    with django_assert_num_queries(DESCRIBE_QUERIES):
        response = member_client.post(
            reverse("media_update", args=[draft.pk]), {"alt_text": "x"}, headers=HTMX
        )
    assert response.status_code == 200
