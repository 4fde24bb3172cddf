"""msg's OAuth 2 validator for django-oauth-toolkit (completed by the OAuth module)."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class MsgOAuth2Validator(OAuth2Validator):
    """The toolkit's validator with Mastodon's rules."""
