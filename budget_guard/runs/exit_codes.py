"""Exit codes of ``check`` and ``batch`` (docs/cli.md), and the rule that picks one from a run's findings."""

from __future__ import annotations

from budget_guard.model.levels import LEVEL_ORDER, Level

EXIT_OK = 0


EXIT_FINDINGS = 1


EXIT_INPUT = 2


EXIT_LOCKED = 3


EXIT_INTERNAL = 4


EXIT_NOTHING_COMPARED = 5  # every input read, but no cell compared like for like: never a sign-off


EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)


EXIT_TERMINATED = 143  # SIGTERM (systemd stop, Airflow task kill): 128 + 15


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so a run unwinds like Ctrl-C: run marked, temp files removed."""


# Levels a run can be told to fail on; "none" never fails on findings (only on unreadable input).
FAIL_LEVELS: tuple[str, ...] = (Level.red.value, Level.yellow.value, Level.white.value, "none")


DEFAULT_FAIL_ON = Level.red.value


def exit_code_for(worst_level: str, fail_on: str) -> int:
    """1 when the worst finding is at or above the fail level, else 0 (for a run that compared something)."""
    if fail_on == "none":
        return EXIT_OK
    rank = {lv.value: lv.rank for lv in LEVEL_ORDER}
    if worst_level not in rank:
        raise ValueError(f"not a graded level: {worst_level!r}")
    return EXIT_FINDINGS if rank[worst_level] >= rank[fail_on] else EXIT_OK


def _exit_precedence(code: int) -> int:
    """Which exit code wins when the new files disagree (the worst outcome): internal error > unreadable
    input > findings (red) > nothing compared > ok. A red finding elsewhere must not hide behind a
    one-year table (exit 5); neither is a sign-off."""
    return {EXIT_OK: 0, EXIT_NOTHING_COMPARED: 1, EXIT_FINDINGS: 2, EXIT_INPUT: 3, EXIT_INTERNAL: 4}.get(
        code, 4
    )


def _worst(levels: list[str]) -> str | None:
    if not levels:
        return None
    rank = {lv.value: lv.rank for lv in LEVEL_ORDER}
    return max(levels, key=rank.__getitem__)
