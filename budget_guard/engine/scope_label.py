"""The whole government's name, from the rules or, by default, from the data's own level.

A county's departments are named 青山县教育局, 青山县机关事务服务中心 …; calling their sum 全市合计
misnames the government a clerk signs for. When the rules give no ``compare.government_label``,
the label is 全县合计 / 全区合计 / 全市合计 / 全省合计 / 全旗合计 from the place named at the start of
most department names, and 全市合计 when the names say nothing (no policy number lives here: only
the administrative level the data name themselves).
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from ..rulebook import Rules, Text

_PLACE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{1,8}?(?P<level>省|自治区|市|自治州|州|盟|县|自治县|区|旗))")
_LEVELS = {
    "省": ("全省合计", "Whole province"),
    "自治区": ("全区合计", "Whole region"),
    "市": ("全市合计", "Whole city"),
    "州": ("全州合计", "Whole prefecture"),
    "自治州": ("全州合计", "Whole prefecture"),
    "盟": ("全盟合计", "Whole league"),
    "县": ("全县合计", "Whole county"),
    "自治县": ("全县合计", "Whole county"),
    "区": ("全区合计", "Whole district"),
    "旗": ("全旗合计", "Whole banner"),
}
FALLBACK = ("全市合计", "Whole government")


def label_from_departments(departments: pd.Series) -> tuple[str, str]:
    """(zh, en) of the level most department names start with; the fallback when fewer than half do."""
    names = [str(d) for d in pd.Series(departments).dropna().astype(str).unique()]
    if not names:
        return FALLBACK
    places = Counter()
    for name in names:
        match = _PLACE.match(name)
        if match and len(name) > len(match["place"]):  # 青山县教育局, not a bare 青山县
            places[(match["place"], match["level"])] += 1
    if not places:
        return FALLBACK
    (_, level), count = places.most_common(1)[0]
    return _LEVELS[level] if count * 2 >= len(names) else FALLBACK


def with_government_label(rules: Rules, departments: pd.Series) -> Rules:
    """The rules with ``compare.government_label`` set: the rules' own, or the one the data imply."""
    if rules.compare.government_label is not None:
        return rules
    zh, en = label_from_departments(departments)
    compare = rules.compare.model_copy(update={"government_label": Text(zh=zh, en=en)})
    return rules.model_copy(update={"compare": compare})
