"""The whole government's name, from the rules or, by default, from the data's own level.

A county's departments are named 青山县教育局, 上海市普陀区财政局 …; calling their sum 全市合计
misnames the government a clerk signs for. When the rules give no ``compare.government_label``,
the label comes from what the data name themselves (no policy number lives here, only the
administrative level):

- 一体化 exports with a 财政区划 column: one 区划 names the government (东湖区 → 全区合计); several
  are the divisions *under* it (东湖区, 西山区, 南溪县 → 全市合计; 杭州市, 宁波市 → 全省合计), unless one
  of them is a 本级 (杭州市本级 → 全市合计). 区划 codes (GB/T 2260, six digits) say the same:
  330000 → 全省, 330100 → 全市, several codes sharing their first four digits → 全市.
- otherwise the most specific place at the start of most department names (上海市普陀区财政局 →
  全区合计, 县教育局 → 全县合计);
- 全市合计 when nothing names a level (the rules can always set the label).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from budget_guard.model.rulebook import Rules, Text

PROVINCE, PREFECTURE, COUNTY = 3, 2, 1  # the three tiers below the centre
_SUFFIX = "自治区|自治州|自治县|自治旗|省|市|州|盟|县|区|旗"
# One place of a chain (上海市 · 普陀区): 1–8 characters and its level word; 苏州市 is one place
# (the 州 inside a city's name is no prefecture), so a run of level words ends at its last.
_PLACE = re.compile(rf"[\u4e00-\u9fff]{{1,8}}?(?:(?P<level>{_SUFFIX}))+")
# Words ending in a level word that are no place (青山县城市管理局, 东湖区经济开发区管委会).
_NOT_PLACE = ("城市", "开发区", "园区", "社区", "景区", "试验区", "示范区", "保税区", "功能区", "片区")
# A bare level word leading a department name (县教育局, 区财政局; 市场监督管理局 is no 市).
_BARE = re.compile(r"^(?P<level>县|区|旗|市(?!场))(?=[\u4e00-\u9fff]{2,})")
_OWN_LEVEL = re.compile(r"(本级|本部)$")
_CODE = re.compile(r"^\s*(?P<code>\d{6})(?:\d*)\s*(?P<name>.*)$")
_LEVELS = {
    "省": ("全省合计", "Whole province", PROVINCE),
    "自治区": ("全区合计", "Whole region", PROVINCE),
    "市": ("全市合计", "Whole city", PREFECTURE),
    "州": ("全州合计", "Whole prefecture", PREFECTURE),
    "自治州": ("全州合计", "Whole prefecture", PREFECTURE),
    "盟": ("全盟合计", "Whole league", PREFECTURE),
    "县": ("全县合计", "Whole county", COUNTY),
    "自治县": ("全县合计", "Whole county", COUNTY),
    "区": ("全区合计", "Whole district", COUNTY),
    "旗": ("全旗合计", "Whole banner", COUNTY),
    "自治旗": ("全旗合计", "Whole banner", COUNTY),
}
# The government above several divisions of one tier: a city above counties, a province above cities.
_ABOVE = {COUNTY: "市", PREFECTURE: "省"}
FALLBACK = ("全市合计", "Whole government")
# The jurisdiction of lines that name no 财政区划, beside lines that do (a scope name, like a 区划's).
NO_DIVISION = "未注明区划"


def _distinct(values: Iterable) -> list[str]:
    # distinct first: the cells repeat each name once per category and year (a province: 100k+ rows)
    series = pd.Series(values, dtype=object).drop_duplicates().dropna().astype(str).str.strip()
    return [v for v in series.unique() if v]


def level_of_name(name: str, *, bare_place: bool = False) -> str | None:
    """The level word of the most specific place a name starts with (上海市普陀区财政局 → 区).

    A department name must go on after its place (青山县教育局, not a bare 青山县, which is more
    likely a note than a department); a 区划 name may be the place alone (``bare_place``).
    """
    level, end = None, 0
    while (place := _PLACE.match(name, end)) is not None and not place[0].endswith(_NOT_PLACE):
        level, end = place["level"], place.end()
    if level is not None and (end < len(name) or bare_place):
        return level
    bare = _BARE.match(name)
    return bare["level"] if bare else None


def _label(level: str) -> tuple[str, str]:
    zh, en, _ = _LEVELS[level]
    return zh, en


def _level_of_code(code: str) -> int:
    """GB/T 2260: 330000 a province, 330100 a prefecture (its 本级 too), 330102 a county."""
    if code.endswith("0000"):
        return PROVINCE
    return PREFECTURE if code.endswith("00") else COUNTY


def label_from_divisions(divisions: Iterable) -> tuple[str, str] | None:
    """(zh, en) of the government the 财政区划 of the data add up to; None when they do not say."""
    names = _distinct(divisions)
    if not names:
        return None
    codes, words = [], []
    for name in names:
        coded = _CODE.match(name)
        if coded:
            codes.append(coded["code"])
            if coded["name"]:
                words.append(coded["name"])
        else:
            words.append(name)
    if len(words) == len(names):
        return _label_from_division_names(words)
    return _label_from_division_codes(codes) if len(codes) == len(names) else None


def _label_from_division_names(names: list[str]) -> tuple[str, str] | None:
    own = [n for n in names if _OWN_LEVEL.search(n)]
    if own:  # 杭州市本级 among 上城区, 西湖区: the 本级's government holds them all
        place = _OWN_LEVEL.sub("", own[0])
        level = place if place in _LEVELS else level_of_name(place, bare_place=True)  # 市本级 or 杭州市本级
        return _label(level) if level else None
    levels = [level for n in names if (level := level_of_name(n, bare_place=True)) is not None]
    if len(levels) != len(names):  # a name whose level cannot be told
        return None
    if len(names) == 1:
        return _label(levels[0])
    tiers = {_LEVELS[level][2] for level in levels}
    top = max(tiers)
    if len(tiers) > 1:  # 建德市 among 桐庐县, 淳安县 (a county-level city), or a city with its counties
        return _label("市") if top == PREFECTURE else None
    return _label(_ABOVE[top]) if top in _ABOVE else None


def _label_from_division_codes(codes: list[str]) -> tuple[str, str] | None:
    if len(codes) == 1:
        tier = _level_of_code(codes[0])
        return _label("省") if tier == PROVINCE else _label("市") if tier == PREFECTURE else None
    if len({c[:4] for c in codes}) == 1:
        return _label("市")
    if len({c[:2] for c in codes}) == 1:
        return _label("省")
    return None


def label_from_departments(departments: Iterable) -> tuple[str, str]:
    """(zh, en) of the level most department names start with; the fallback when fewer than half do."""
    names = _distinct(departments)
    if not names:
        return FALLBACK
    levels = Counter(level for level in map(level_of_name, names) if level is not None)
    if not levels:
        return FALLBACK
    level, count = levels.most_common(1)[0]
    return _label(level) if count * 2 >= len(names) else FALLBACK


def government_label(departments: Iterable, divisions: Iterable = ()) -> tuple[str, str]:
    """(zh, en): the 区划 first (they name the government outright), then the department names."""
    return label_from_divisions(divisions) or label_from_departments(departments)


def jurisdictions(divisions: Iterable) -> list[str]:
    """The 财政区划 the lines belong to (sorted), with ``NO_DIVISION`` for lines of none beside
    lines of some; one entry or none means the data are one government's."""
    values = pd.Series(list(divisions), dtype=object)
    named = sorted(_distinct(values))
    if named and values.isna().any():
        named.append(NO_DIVISION)
    return named


def with_government_label(rules: Rules, departments: Iterable, divisions: Iterable = ()) -> Rules:
    """The rules with ``compare.government_label`` set: the rules' own, or the one the data imply.

    Lines of several 财政区划 (or of some 区划 and of none) are one government's only when the rules
    say so by declaring ``compare.government_label``. Otherwise there is no total across them: the
    ``government`` scope is dropped (each 区划 is reported as a division) and the label only names
    what the 区划 hang under.
    """
    if rules.compare.government_label is not None:
        return rules
    divisions = list(divisions)
    zh, en = government_label(departments, divisions)
    update: dict = {"government_label": Text(zh=zh, en=en)}
    if len(jurisdictions(divisions)) > 1 and "government" in rules.compare.scopes:
        update["scopes"] = [s for s in rules.compare.scopes if s != "government"]
        if "division" not in update["scopes"]:
            update["scopes"] = ["division", *update["scopes"]]
    compare = rules.compare.model_copy(update=update)
    return rules.model_copy(update={"compare": compare})


def separate_jurisdictions(rules: Rules, divisions: Iterable) -> list[str]:
    """The 区划 reported apart because the rules did not declare them one government ([] otherwise)."""
    found = jurisdictions(divisions)
    return found if len(found) > 1 and "government" not in rules.compare.scopes else []
