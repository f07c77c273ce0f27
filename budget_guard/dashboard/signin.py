"""Who is editing the 督办台账 in the dashboard, and whether the page may write to the ledger.

- Sign-in configured (an ``[auth]`` section in ``.streamlit/secrets.toml``, Streamlit's built-in
  OIDC login) and the user signed in: writes as that user (``signed_in``).
- No sign-in configured and ``[budget_guard] allow_unverified = true`` (or
  ``BUDGET_GUARD_ALLOW_UNVERIFIED=1``): a clerk may type a name, recorded as unverified; closing a
  red or 挂牌督办 case still needs a verified person.
- Otherwise read-only: the page shows the cases and the 督办单 but writes nothing.

The ledger is named by configuration only (``[budget_guard] ledger`` or ``BUDGET_GUARD_LEDGER``),
never by a path typed into the page.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budget_guard.cases.actor import SIGNED_IN, UNVERIFIED, Actor

LEDGER_ENV = "BUDGET_GUARD_LEDGER"
UNVERIFIED_ENV = "BUDGET_GUARD_ALLOW_UNVERIFIED"
SECTION = "budget_guard"

READ_ONLY = "read_only"
SIGNED_IN_MODE = "signed_in"
UNVERIFIED_MODE = "unverified"


@dataclass(frozen=True)
class Access:
    """What the page may do: ``mode`` and, when signed in, who."""

    mode: str
    auth_configured: bool
    actor: Actor | None = None

    @property
    def can_write(self) -> bool:
        return self.mode != READ_ONLY


def _section(secrets: Mapping[str, Any] | None) -> Mapping[str, Any]:
    try:
        value = (secrets or {}).get(SECTION) or {}
    except Exception:  # noqa: BLE001 — st.secrets raises when no secrets.toml exists
        return {}
    return value if isinstance(value, Mapping) else {}


def auth_configured(secrets: Mapping[str, Any] | None) -> bool:
    try:
        return bool(secrets is not None and "auth" in secrets)
    except Exception:  # noqa: BLE001 — no secrets.toml at all
        return False


def ledger_path(secrets: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ) -> Path | None:
    configured = environ.get(LEDGER_ENV) or _section(secrets).get("ledger")
    return Path(str(configured)) if configured else None


def access(user: Any, secrets: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ) -> Access:
    """From ``st.user`` and ``st.secrets``: signed in, unverified names allowed, or read-only."""
    configured = auth_configured(secrets)
    if configured and getattr(user, "is_logged_in", False):
        name = _user_name(user)
        if name:
            return Access(SIGNED_IN_MODE, True, Actor(name, SIGNED_IN))
    if configured:  # where sign-in exists, a typed name is never enough: read-only until signed in
        return Access(READ_ONLY, True)
    allowed = environ.get(UNVERIFIED_ENV, "").strip().lower() in ("1", "true", "yes") or bool(
        _section(secrets).get("allow_unverified", False)
    )
    return Access(UNVERIFIED_MODE if allowed else READ_ONLY, False)


def _user_name(user: Any) -> str:
    for field in ("email", "preferred_username", "name", "sub"):
        try:
            value = user.get(field) if hasattr(user, "get") else getattr(user, field, None)
        except Exception:  # noqa: BLE001 — st.user raises for a missing claim in some versions
            value = None
        if value:
            return str(value)
    return ""


def entered_actor(name: str) -> Actor | None:
    """A typed name, recorded as unverified; blank is no one."""
    name = " ".join(name.split())
    return Actor(name, UNVERIFIED) if name else None
