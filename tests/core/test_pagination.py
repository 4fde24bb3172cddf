"""Cursor pagination (core.pagination): max_id, since_id and min_id as Mastodon reads them."""

import pytest

from core.pagination import paginate, paginate_oldest_first
from posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids() -> list[int]:
    """Ten posts by one author; their ids, oldest first."""
    author = UserFactory()
    return [PostFactory(author=author).pk for _ in range(10)]


def page_ids(page) -> list[int]:
    return [post.pk for post in page.items]


def test_first_page_is_the_newest_with_a_cursor_to_older(ids):
    page = paginate(Post.objects.all(), size=4)
    assert page_ids(page) == ids[::-1][:4]
    assert page.next_max_id == ids[6]
    assert page.prev_min_id == ids[9]


def test_max_id_pages_do_not_overlap_and_cover_everything(ids):
    seen, max_id = [], None
    while True:
        page = paginate(Post.objects.all(), max_id=max_id, size=3)
        seen += page_ids(page)
        if page.next_max_id is None:
            break
        max_id = page.next_max_id
    assert seen == ids[::-1]


def test_since_id_gives_the_newest_page_above_it(ids):
    page = paginate(Post.objects.all(), since_id=ids[2], size=3)
    assert page_ids(page) == [ids[9], ids[8], ids[7]]


def test_min_id_gives_the_page_just_above_it_newest_first(ids):
    """A client catching up from ids[2] gets ids[3..5], with no gap, then asks again."""
    page = paginate(Post.objects.all(), min_id=ids[2], size=3)
    assert page_ids(page) == [ids[5], ids[4], ids[3]]
    assert page.prev_min_id == ids[5]
    following = paginate(Post.objects.all(), min_id=page.prev_min_id, size=3)
    assert page_ids(following) == [ids[8], ids[7], ids[6]]


def test_max_id_and_since_id_combine_into_a_window(ids):
    page = paginate(Post.objects.all(), max_id=ids[7], since_id=ids[3], size=20)
    assert page_ids(page) == [ids[6], ids[5], ids[4]]
    assert page.next_max_id is None


def test_an_empty_page_has_no_cursors(ids):
    page = paginate(Post.objects.all(), since_id=ids[9])
    assert page.items == [] and page.next_max_id is None and page.prev_min_id is None


def test_oldest_first_pages_follow_each_other(ids):
    first = paginate_oldest_first(Post.objects.all(), after=None, size=4)
    assert [p.pk for p in first.items] == ids[:4]
    rest = paginate_oldest_first(Post.objects.all(), after=first.next_after, size=10)
    assert [p.pk for p in rest.items] == ids[4:]
    assert rest.next_after is None
