"""Found in review: validate_display_name (users/models.py) refuses Cc/Cf/Zl/Zp and five listed
"blank" letters, but not the default-ignorable code points of category Mn, which render as
nothing: U+034F COMBINING GRAPHEME JOINER, U+17B4/U+17B5 KHMER VOWEL INHERENT, U+180B-U+180D and
U+180F MONGOLIAN FREE VARIATION SELECTORS, U+FE00-U+FE0F and U+E0100-U+E01EF VARIATION
SELECTORS. A display name made of them passes the validator and CustomUser.name keeps it (strip()
does not remove them), so the profile heading and every card show an invisible name."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from users.services import profile_update

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u034f", "\ufe0f", "\u17b4", "\u180b", "\U000e0100", "\u00a0\ufe0f\u034f"]


@pytest.mark.parametrize(
    "name", INVISIBLE, ids=["-".join(f"U+{ord(c):04X}" for c in n) for n in INVISIBLE]
)
def test_a_display_name_of_default_ignorable_marks_is_refused(name):
    """Expected: a display name that shows nothing is refused like U+3164 HANGUL FILLER is
    (ValidationError), or at least CustomUser.name falls back to the username.

    Actual: profile_update saves it and user.name is the invisible string. Fix: in
    is_forbidden_in_names, also refuse Unicode Default_Ignorable_Code_Point characters (the Mn
    ones above), keeping only U+200D and U+FE0F when they follow an emoji.
    """
    user = UserFactory()
    try:
        profile_update(user=user, display_name=name, bio="")
    except ValidationError:
        return
    user.refresh_from_db()
    assert user.name == user.username, f"invisible display name accepted: {user.name!r}"
