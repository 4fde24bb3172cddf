"""Record the calls made to a users service, to prove which path a write takes."""

import sys
from typing import Any

import pytest

from users import services


def record_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[dict[str, Any]]:
    """Wrap services.<name>, in every module that imported it, to record each call's kwargs."""
    original = getattr(services, name)
    calls: list[dict[str, Any]] = []

    def recording(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(**kwargs)

    for module in list(sys.modules.values()):
        # vars(), not getattr(): a module-level __getattr__ could run code or warn.
        if module is not None and vars(module).get(name) is original:
            monkeypatch.setattr(module, name, recording)
    return calls
