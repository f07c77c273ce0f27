"""What-if edits of the rules in force: category target rates, grading band limits, materiality.

The sidebar offers the numbers the rules file already has; the edited rules are serialised back to
YAML (with a comment naming every change) and re-parsed, so an edit is validated by the same model
as a rules file and the YAML a user downloads is exactly what was evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from budget_guard import messages as msg
from budget_guard.engine.evaluate import Evaluation
from budget_guard.model.rulebook import Direction, Rules, parse_rules, rules_to_yaml

BandKey = tuple[str, int]  # (direction, index of the band in grading.directions[direction].bands)


@dataclass(frozen=True)
class WhatIf:
    """The editable numbers of a rules set."""

    targets: Mapping[str, float] = field(default_factory=dict)  # category id → target_pct
    bands: Mapping[BandKey, float] = field(default_factory=dict)  # → max_shortfall_pp (finite bands only)
    materiality_yuan: float | None = None


@dataclass(frozen=True)
class BandSetting:
    direction: str
    index: int
    level: str
    max_shortfall_pp: float

    @property
    def key(self) -> BandKey:
        return (self.direction, self.index)


def band_settings(rules: Rules) -> list[BandSetting]:
    """The bands with a finite limit (the last band of each direction is open-ended and not editable)."""
    out = []
    for direction in Direction:
        for i, band in enumerate(rules.grading.directions[direction].bands):
            if band.max_shortfall_pp is not None:
                out.append(BandSetting(direction.value, i, band.level.value, float(band.max_shortfall_pp)))
    return out


def settings_of(rules: Rules) -> WhatIf:
    """The numbers as the rules file has them: the starting point of every what-if."""
    return WhatIf(
        targets={c.id: float(c.target_pct) for c in rules.categories},
        bands={b.key: b.max_shortfall_pp for b in band_settings(rules)},
        materiality_yuan=float(rules.grading.materiality_yuan),
    )


def changes(base: Rules, edits: WhatIf) -> list[str]:
    """One 'key: old → new' line per number that differs from the rules file."""
    start = settings_of(base)
    out = []
    for category in base.categories:
        new = edits.targets.get(category.id, start.targets[category.id])
        if new != start.targets[category.id]:
            out.append(f"categories.{category.id}.target_pct: {start.targets[category.id]:g} → {new:g}")
    for (direction, index), old in start.bands.items():
        new = edits.bands.get((direction, index), old)
        if new != old:
            out.append(f"grading.directions.{direction}.bands.{index}.max_shortfall_pp: {old:g} → {new:g}")
    if edits.materiality_yuan is not None and edits.materiality_yuan != start.materiality_yuan:
        out.append(f"grading.materiality_yuan: {start.materiality_yuan:g} → {edits.materiality_yuan:g}")
    return out


def described(base: Rules, edits: WhatIf) -> tuple[tuple[str, str], ...]:
    """Each change in words, (zh, en), e.g. '一般性支出 压减目标 5% → 2%': the banner, the sidebar and
    ``Evaluation.whatif`` (every report's what-if line) say the same, never a YAML key."""
    start = settings_of(base)
    groups = {g.id: g for g in base.groups}
    out = []
    for category in base.categories:
        old, new = start.targets[category.id], edits.targets.get(category.id, start.targets[category.id])
        if new != old:
            kind = f"whatif.target_kind.{groups[category.group].direction.value}"
            out.append(
                _both(
                    lambda lang, c=category, k=kind, o=old, n=new: msg.t(
                        "whatif.target",
                        lang,
                        category=c.name.get(lang),
                        target_kind=msg.t(k, lang),
                        old=f"{o:g}",
                        new=f"{n:g}",
                    )
                )
            )
    for band in band_settings(base):
        new_pp = edits.bands.get(band.key, band.max_shortfall_pp)
        if new_pp != band.max_shortfall_pp:
            out.append(
                _both(
                    lambda lang, b=band, n=new_pp: msg.t(
                        "whatif.band",
                        lang,
                        direction=msg.t(f"whatif.direction.{b.direction}", lang),
                        level=msg.level_label(b.level, lang),
                        old=f"{b.max_shortfall_pp:g}",
                        new=f"{n:g}",
                    )
                )
            )
    if edits.materiality_yuan is not None and edits.materiality_yuan != start.materiality_yuan:
        old_yuan, new_yuan = start.materiality_yuan, edits.materiality_yuan
        out.append(
            _both(
                lambda lang: msg.t("whatif.materiality", lang, old=f"{old_yuan:,.0f}", new=f"{new_yuan:,.0f}")
            )
        )
    return tuple(out)


def _both(text) -> tuple[str, str]:
    return (text("zh"), text("en"))


def apply(base: Rules, edits: WhatIf) -> Rules:
    """The base rules with the edits applied (not yet validated: see ``rules_text``)."""
    categories = [
        c.model_copy(update={"target_pct": float(edits.targets[c.id])}) if c.id in edits.targets else c
        for c in base.categories
    ]
    directions = {}
    for direction, direction_grading in base.grading.directions.items():
        bands = [
            b.model_copy(update={"max_shortfall_pp": float(edits.bands[(direction.value, i)])})
            if (direction.value, i) in edits.bands
            else b
            for i, b in enumerate(direction_grading.bands)
        ]
        directions[direction] = direction_grading.model_copy(update={"bands": bands})
    update: dict[str, object] = {"directions": directions}
    if edits.materiality_yuan is not None:
        update["materiality_yuan"] = float(edits.materiality_yuan)
    grading = base.grading.model_copy(update=update)
    return base.model_copy(update={"categories": categories, "grading": grading})


def rules_in_force(base_text: str, base: Rules, edits: WhatIf, source: str) -> tuple[str, str]:
    """(YAML, source name) of the rules in force: the file itself when nothing changed, else the edited rules.

    The edited YAML starts with a comment naming the source and each change, and is validated
    here (``RulesError`` if, say, band limits are no longer increasing); its source name says
    "what-if" so that an error's line number is read against the edited YAML, not the file.
    """
    lines = changes(base, edits)
    if not lines:
        return base_text, source
    header = [f"# what-if edits of {source}:"] + [f"#   {line}" for line in lines]
    text = "\n".join(header) + "\n" + rules_to_yaml(apply(base, edits))
    edited_source = f"{source} (what-if)"
    parse_rules(text, source=edited_source)
    return text, edited_source


SUFFIX = "-what-if"  # on every file downloaded from a what-if run, so it cannot be filed as the real check


def marked(evaluation: Evaluation, words: tuple[tuple[str, str], ...]) -> Evaluation:
    """The evaluation carrying the what-if changes, so every report prints its what-if line first."""
    return replace(evaluation, whatif=words) if words and evaluation.whatif != words else evaluation


def file_stem(stem: str, evaluation: Evaluation) -> str:
    """A download's file stem: ``stem`` itself, or with ``-what-if`` when the rules were edited."""
    return stem + SUFFIX if evaluation.whatif else stem
