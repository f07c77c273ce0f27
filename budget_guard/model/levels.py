"""The 白黄红三色督办 levels plus 达标, best to worst: a module of their own, without pydantic, so the
exit codes and the CLI's options can name them without building the rules model (a fast --help)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """白黄红三色督办 levels plus 达标, ordered from best to worst."""

    compliant = "compliant"
    white = "white"
    yellow = "yellow"
    red = "red"

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self)


LEVEL_ORDER: tuple[Level, ...] = (Level.compliant, Level.white, Level.yellow, Level.red)
