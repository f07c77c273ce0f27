"""Who made a change: a run, the OS user of the CLI, a signed-in dashboard user, or an entered name.

A 督查 office needs to know whether a name in the history can be trusted: ``kind`` says how it
was established, and an entered name is always shown as unverified.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

RUN = "run"  # a check/batch run (name: "run 12")
OS_USER = "os_user"  # the operating-system account that ran the CLI
SIGNED_IN = "signed_in"  # the dashboard's OIDC sign-in (name: e-mail or subject)
UNVERIFIED = "unverified"  # a name typed into the dashboard without sign-in
ACTOR_KINDS = (RUN, OS_USER, SIGNED_IN, UNVERIFIED)


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise ValueError(f"unknown actor kind {self.kind!r}")
        if not self.name.strip():
            raise ValueError("an actor needs a name")

    @property
    def verified(self) -> bool:
        return self.kind != UNVERIFIED


def os_user() -> Actor:
    """The account running the CLI (``getpass`` reads LOGNAME/USER, then the password database)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = f"uid {os.getuid()}"
    return Actor(name, OS_USER)


def run_actor(run_id: int) -> Actor:
    return Actor(f"run {run_id}", RUN)
