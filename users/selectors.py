"""Reads about people: profile headers and the lists of followers, following, blocks, mutes."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower

from msg_project.queries import subquery_count
from users.models import Block, CustomUser, Follow, Mute
from users.relations import people_shown_to

RELATION_FLAGS = ("following", "follows_you", "blocking", "blocked_by", "muting")


def profile_header(viewer: CustomUser, other: CustomUser) -> dict:
    """What a profile header shows: the relationship both ways and the counts (one query)."""
    row = (
        CustomUser.objects.filter(pk=other.pk)
        .annotate(
            following=Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk"))),
            follows_you=Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=viewer)),
            blocking=Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))),
            blocked_by=Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer)),
            muting=Exists(Mute.objects.filter(muter=viewer, muted=OuterRef("pk"))),
            # Deactivated accounts are left out of the counts, as they are of the lists.
            followers_count=subquery_count(
                Follow.objects.filter(followee=OuterRef("pk"), follower__is_active=True),
                "followee",
            ),
            following_count=subquery_count(
                Follow.objects.filter(follower=OuterRef("pk"), followee__is_active=True),
                "follower",
            ),
        )
        .values(*RELATION_FLAGS, "followers_count", "following_count")
        .get()
    )
    return {
        "relation": {flag: row[flag] for flag in RELATION_FLAGS},
        "counts": {"followers": row["followers_count"], "following": row["following_count"]},
        "is_self": viewer.pk == other.pk,
    }


def followers(viewer: CustomUser, person: CustomUser) -> QuerySet[Follow]:
    """Follow edges into person, with the follower loaded (paginate newest first), leaving out
    accounts viewer must not be shown (blocked either way, deactivated)."""
    qs = Follow.objects.filter(followee=person).select_related("follower")
    return people_shown_to(qs, viewer, person="follower")


def following(viewer: CustomUser, person: CustomUser) -> QuerySet[Follow]:
    """Follow edges out of person, with the followee loaded, as followers() filters them."""
    qs = Follow.objects.filter(follower=person).select_related("followee")
    return people_shown_to(qs, viewer, person="followee")


def blocks(user: CustomUser) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")


def mutes(user: CustomUser) -> QuerySet[Mute]:
    return Mute.objects.filter(muter=user).select_related("muted")


def _same_address(field: str, email: str) -> Q:
    """Match field to email as the unique constraint does: Lower() on both sides, in the database.

    email__iexact compares UPPER() on PostgreSQL, which folds U+0131 (dotless i) onto "I": an
    attacker's address with a dotless i would then name a real gmail.com account.
    """
    return Q(**{f"{field}__exact": Lower(Value(email))})


def account_for_address(email: str) -> CustomUser | None:
    """Return the account whose address email is (ignoring case), if any.

    An account's address is CustomUser.email (or one it verified). An address it is only
    changing to is not its own yet, so typing a stranger's address in claims nothing.
    """
    holders = CustomUser.objects.annotate(email_lower=Lower("email"))
    user: CustomUser | None = holders.filter(_same_address("email_lower", email)).first()
    if user is None:
        verified = EmailAddress.objects.annotate(email_lower=Lower("email")).filter(
            _same_address("email_lower", email), verified=True
        )
        user = CustomUser.objects.filter(pk__in=verified.values("user_id")).first()
    return user


def account_for_login(login: str) -> CustomUser | None:
    """Return the account a login names: an address when it has an @, else a username."""
    if "@" in login:  # usernames cannot hold one (users.models.username_validator)
        return account_for_address(login)
    if not login.isascii():
        # Usernames are ASCII; case-insensitive matching would fold a long s onto "s".
        return None
    return CustomUser.objects.filter(username__iexact=login).first()
