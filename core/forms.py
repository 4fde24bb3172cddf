"""Form pieces shared by the apps' forms: the live character counter (static/js/compose.js)
in place of a maxlength. It imports no app."""

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# The texts of the live character counter (static/js/compose.js puts the number in {n}).
COUNTER_ATTRS = {
    "data-counter-one": _("{n} character left"),
    "data-counter-other": _("{n} characters left"),
    "data-counter-over-one": _("{n} character over the limit"),
    "data-counter-over-other": _("{n} characters over the limit"),
}


class LinesField(forms.CharField):
    """A CharField for a textarea that counts a line end as one character.

    Browsers send a textarea's line ends as CRLF; without this, max_length would count each
    one twice while the live counter (and the services) count it once.
    """

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


def counted(field: forms.Field, limit: int | None = None) -> None:
    """Show field's length limit with the live counter instead of a maxlength attribute.

    A maxlength makes the browser cut a longer paste short without a word; the field's own
    max_length (or the service behind it) still refuses a longer text, and the form comes back
    with the text kept and the error under it. The counter counts as a CharField does: code
    points, outer whitespace trimmed (strip=True), a line end as one (LinesField).
    """
    if limit is None:
        limit = max(
            (v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)),
            default=None,
        )
    field.widget.attrs.pop("maxlength", None)
    if limit is not None:
        field.widget.attrs.update(COUNTER_ATTRS, **{"data-max-length": str(limit)})
