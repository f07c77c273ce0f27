"""Texts of the 预算管理一体化 work: scopes 区划/单位, the comparison baseline, the 预算执行 section."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "note.baseline": (
        "本年{stage_zh}与上年{baseline_zh}比较（compare.baseline）",
        "This year's {stage_en} is compared with last year's {baseline_en} (compare.baseline)",
    ),
    "note.baseline_absent": (
        "规则要求与上年{baseline_zh}比较，但数据中没有{baseline_zh}：各项均无上年基数，不能判为达标",
        "The rules compare with last year's {baseline_en}, but the data has none: no baseline anywhere, nothing is compliant",
    ),
    "baseline.label": ("比较基数", "Baseline"),
    "baseline.text": ("本年{stage}对比上年{baseline}", "this year's {stage} against last year's {baseline}"),
    "hierarchy.scope_type.government": ("全市", "Whole government"),
    "hierarchy.scope_type.division": ("财政区划", "Fiscal division"),
    "hierarchy.scope_type.department": ("部门", "Department"),
    "hierarchy.scope_type.unit": ("单位", "Budget unit"),
    "hierarchy.col.parent": ("上级", "Parent"),
    "hierarchy.division_label": ("{scope}（区划合计）", "{scope} (division total)"),
    "hierarchy.unit_label": ("{scope}（{parent}）", "{scope} ({parent})"),
    "execution.reason.over_budget": (
        "{scope}{year}年{category}决算{final}万元，超过{against_label}{against}万元{deviation}（过紧日子类别不应超预算）",
        "{scope}: {category} spent {final} (10k yuan) in {year}, {deviation} above its {against_label} of {against}",
    ),
    "execution.reason.under_budget": (
        "{scope}{year}年{category}决算{final}万元，只完成{against_label}{against}万元的{rate}（低于预算{deviation}）",
        "{scope}: {category} spent {final} (10k yuan) in {year}, {rate} of its {against_label} of {against} "
        "({deviation} below)",
    ),
    "execution.reason.within_budget": (
        "{scope}{year}年{category}决算{final}万元，为{against_label}{against}万元的{rate}，执行正常",
        "{scope}: {category} spent {final} (10k yuan) in {year}, {rate} of its {against_label} of {against}",
    ),
    "execution.reason.no_final": (
        "{scope}{year}年{category}有{against_label}但没有决算（执行）数，无法评价执行",
        "{scope}: {category} has a {against_label} in {year} but no final accounts: execution not assessed",
    ),
    "execution.reason.no_budget": (
        "{scope}{year}年{category}有决算{final}万元但没有{against_label}，无法评价执行",
        "{scope}: {category} has final accounts of {final} in {year} but no {against_label}: not assessed",
    ),
    "execution.title": ("预算执行：决算与预算对比", "Budget execution: final accounts against the budget"),
    "app.tab.execution": ("预算执行", "Execution"),
    "app.execution.all": (
        "显示全部已评价的单元（不只是问题）",
        "Show every assessed cell (not only findings)",
    ),
    "execution.sheet": ("预算执行", "Budget execution"),
    "execution.none": (
        "数据中没有决算（执行）数，未做预算执行分析",
        "No final accounts in the data: no execution check",
    ),
    "execution.summary": (
        "决算对比{against_label}：{red}项红色、{yellow}项黄色、{white}项白色，{no_data}项无法评价",
        "Final accounts against the {against_label}: {red} red, {yellow} yellow, {white} white, {no_data} not assessed",
    ),
    "execution.pefa_title": (
        "PEFA 总体支出偏差（PI-1）与支出结构偏差（PI-2）",
        "PEFA aggregate outturn (PI-1) and composition variance (PI-2)",
    ),
    "execution.col.final": ("决算数", "Final"),
    "execution.col.budget": ("年初预算数", "Budget"),
    "execution.col.adjusted": ("调整预算数", "Adjusted budget"),
    "execution.col.rate_budget": ("决算/年初预算", "Final / budget"),
    "execution.col.rate_adjusted": ("决算/调整预算", "Final / adjusted"),
    "execution.col.deviation": ("偏离", "Deviation"),
    "execution.col.state": ("状态", "State"),
    "execution.col.outturn": ("总体执行率（PI-1）", "Aggregate outturn (PI-1)"),
    "execution.col.pi1": ("PI-1评分", "PI-1 score"),
    "execution.col.func_variance": (
        "功能分类结构偏差（PI-2.1）",
        "Composition variance by function (PI-2.1)",
    ),
    "execution.col.pi21": ("PI-2.1评分", "PI-2.1 score"),
    "execution.col.econ_variance": (
        "经济分类结构偏差（PI-2.2）",
        "Composition variance by economic class (PI-2.2)",
    ),
    "execution.col.pi22": ("PI-2.2评分", "PI-2.2 score"),
    "execution.state.no_data": ("无数据", "no data"),
}
