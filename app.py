"""budget-guard dashboard: which guardrails held, which broke, where and by how much — down to the source rows.

Layout only. ``budget_guard.dashboard`` computes every table and chart; ingest and evaluation are
the CLI's own stages, cached on the files' content and the rules text. Start with
``streamlit run app.py``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import streamlit as st

from budget_guard import RulesError
from budget_guard import messages as msg
from budget_guard.dashboard import cache, charts, gate, pipeline, views, whatif
from budget_guard.dashboard.palette import cell_css
from budget_guard.messages import formats
from budget_guard.model.rulebook import Direction
from budget_guard.model.table import AMOUNT_FEN, STAGE, STAGES, format_wan
from budget_guard.outputs.files import safe_filename
from budget_guard.reports import DEFAULT_STEM, SUFFIXES
from budget_guard.reports.execution import baseline_text
from budget_guard.reports.execution import summary_text as execution_summary
from budget_guard.reports.html_report import md_escape as md

LANGS = ("zh", "en")
TABS = (
    "app.tab.trends",
    "app.tab.departments",
    "app.tab.findings",
    "app.tab.execution",
    "app.tab.unclassified",
    "app.tab.rejected",
    "app.tab.load",
    "app.tab.cases",
)
KEEP = "page"  # widgets inside tabs keep their value while another tab is open
WRAP_ROWS = 300  # a wrapping table beyond this many rows is too long to read; it becomes a grid
GOV_SEP = "\u0001"


# Widgets whose options are shown in the page's language. Streamlit keeps a choice as its shown
# text, so each language gets its own widget key and a language switch carries the choices over.
PER_LANGUAGE = (
    "opt_unit",
    "opt_stage",
    "rules_source",
    "stage",
    "matrix_scope",
    "trend_scope",
    "drill_scope",
    "drill_category",
    "f_levels",
    "f_groups",
    "f_categories",
    "f_scopes",
)


def t(key: str, **values: object) -> str:
    return msg.t(key, st.session_state.get("lang", msg.DEFAULT_LANG), **values)


def lk(base: str, lang: str | None = None) -> str:
    """The widget key of ``base`` in ``lang`` (default: the page's language)."""
    return f"{base}.{lang or st.session_state.get('lang', msg.DEFAULT_LANG)}"


def unless_set(key: str, index: int) -> int:
    """A selectbox's starting index, or 0 once its value lives in Session State (no Streamlit warning)."""
    return 0 if key in st.session_state else index


# -- sidebar ------------------------------------------------------------------------------------------


def _on_language_change() -> None:
    """Keep the open tab and every choice when the labels change language."""
    new = st.session_state.get("lang", "zh")
    old = "en" if new == "zh" else "zh"
    for key in TABS:
        if st.session_state.get("view") == msg.t(key, old):
            st.session_state["view"] = msg.t(key, new)
    for base in PER_LANGUAGE:
        if lk(base, old) in st.session_state:
            st.session_state[lk(base, new)] = st.session_state[lk(base, old)]


def _use_sample() -> None:
    st.session_state["source"] = "sample"


def _use_uploads() -> None:
    st.session_state["source"] = "upload" if st.session_state.get("uploads") else None
    if st.session_state["source"] is None:
        st.query_params.pop(DATA_PARAM, None)


DATA_PARAM = "data"  # the page address keeps the content hash of the last upload, for a reload


def page_css(lang: str) -> None:
    """Layout at a glance, and Chinese for the texts Streamlit draws itself (see docs/app.md).

    Streamlit 1.67 has no option for the uploader's button and size line, so in Chinese mode CSS
    replaces them; narrow screens (≤ 640 px) get the matrix as a table instead of the heatmap.
    """
    css = [
        ".block-container{padding-top:2.2rem;padding-bottom:2rem}",
        "h1{padding-top:0!important;padding-bottom:.2rem!important;font-size:2rem!important}",
        "@media (max-width:640px){.st-key-matrix_wide{display:none}.block-container{padding-top:3.6rem}}",
        "@media (min-width:641px){.st-key-matrix_narrow{display:none}}",
        ".bg-narrow table{width:100%;border-collapse:collapse;font-size:.9rem}",
        ".bg-narrow td,.bg-narrow th{border:1px solid #D9D9D9;padding:3px 6px;white-space:normal}",
    ]
    if lang != "en":
        drop = t("app.upload.drop")
        limit = t("app.upload.limit", mb=st.get_option("server.maxUploadSize"))
        browse = t("app.upload.browse")
        css += [
            "[data-testid=stFileUploaderDropzone] [data-testid=stBaseButton-secondary] p{font-size:0}",
            f"[data-testid=stFileUploaderDropzone] [data-testid=stBaseButton-secondary] p::after{{content:'{browse}';font-size:.875rem}}",
            "[data-testid=stFileUploaderDropzoneInstructions] span{font-size:0;white-space:normal}",
            f"[data-testid=stFileUploaderDropzoneInstructions] span::after{{content:'{drop} · {limit}';font-size:.8rem;white-space:normal}}",
        ]
    st.markdown(f"<style>{''.join(css)}</style>", unsafe_allow_html=True)


def language() -> str:
    st.sidebar.segmented_control(
        "语言 / Language",
        LANGS,
        default="zh",
        required=True,
        format_func=lambda v: "中文" if v == "zh" else "English",
        key="lang",
        on_change=_on_language_change,
    )
    return st.session_state.get("lang") or "zh"


def data_sidebar(lang: str) -> tuple[tuple[pipeline.Upload, ...], str, pipeline.ReadOptions, str] | None:
    """The files to analyse (sample or uploads), their content key, read options and a description."""
    bar = st.sidebar
    bar.header(t("app.data"), anchor=False)
    bar.button(t("app.sample"), key="sample", help=t("app.sample_help"), on_click=_use_sample, type="primary")
    files = bar.file_uploader(
        t("app.upload"),
        type=list(pipeline.UPLOAD_TYPES),
        accept_multiple_files=True,
        key="uploads",
        help=t("app.upload.help"),
        on_change=_use_uploads,
    )
    with bar.expander(t("app.read_options")):
        department = st.text_input(t("app.read.department"), key="opt_department").strip() or None
        year = st.number_input(
            t("app.read.year"), min_value=1990, max_value=2100, value=None, step=1, key="opt_year"
        )
        unit = st.selectbox(
            t("app.read.unit"),
            [None, "元", "千元", "万元"],
            format_func=lambda v: v or msg.t("app.read.unset", lang),
            placeholder=t("app.choose"),
            key=lk("opt_unit"),
        )
        stage = st.selectbox(
            t("app.read.stage"),
            [None, *STAGES],
            format_func=lambda v: msg.t(f"stage.{v}", lang) if v else msg.t("app.read.unset", lang),
            placeholder=t("app.choose"),
            key=lk("opt_stage"),
        )
    options = pipeline.ReadOptions(
        department=department, year=int(year) if year else None, stage=stage, unit=unit
    )
    source = st.session_state.get("source")
    if source == "upload" and files:
        uploads, key = cache.uploads_of(files)
        st.query_params[DATA_PARAM] = cache.keep_uploads(uploads, key)
        return uploads, key, options, t("app.using_uploads", count=len(uploads))
    if source is None and not files:  # a reload: the address names the last upload of this session
        kept = cache.kept_uploads(st.query_params.get(DATA_PARAM))
        if kept is not None:
            uploads, key = kept
            st.session_state["restored"] = [upload.name for upload in uploads]
            return uploads, key, options, t("app.using_uploads", count=len(uploads))
    if source == "sample":
        uploads, key = cache.sample()
        return uploads, key, options, t("app.using_sample", name=uploads[0].name)
    return None


def rules_sidebar(lang: str) -> tuple[str, str, tuple[tuple[str, str], ...]] | None:
    """The rules in force as (YAML text, source name, what-if changes in words), or None after showing
    why there are none."""
    bar = st.sidebar
    bar.header(t("app.rules"), anchor=False)
    choice = bar.radio(
        t("app.rules.source"),
        ["default", "upload"],
        format_func=lambda v: msg.t(f"app.rules.{v}", lang),
        horizontal=True,
        key=lk("rules_source"),
    )
    source, text = pipeline.default_rules()
    if choice == "upload":
        uploaded = bar.file_uploader(
            t("app.rules.upload"),
            type=list(pipeline.RULES_TYPES),
            key="rules_upload",
            help=t("app.rules.upload_help"),
        )
        if uploaded is None:
            bar.info(t("app.rules.upload_hint"))
        else:
            try:
                source, text = uploaded.name, uploaded.getvalue().decode("utf-8-sig")
            except UnicodeDecodeError:
                return _rules_error(t("app.rules.not_utf8", name=uploaded.name))
    try:
        base = cache.rules(text, source)
    except RulesError as err:
        return _rules_error(err.message(lang))

    edits = whatif_sidebar(base, lang)
    try:
        text_in_force, source_in_force = cache.rules_in_force(text, base, edits, source)
    except RulesError as err:
        return _rules_error(err.message(lang))
    words = whatif.described(base, edits)
    shown = [zh if lang == "zh" else en for zh, en in words]
    bar.caption(
        md(t("app.rules.in_force", title=base.title.get(lang), version=base.version, source=source_in_force))
    )
    if words:
        bar.warning(md(t("app.whatif.changed", count=len(words), changes="；".join(shown))))
    name = safe_filename(Path(source).stem + (whatif.SUFFIX if words else ""), default="rules") + ".yaml"
    bar.download_button(
        t("app.rules.download"),
        text_in_force,
        file_name=name,
        mime=pipeline.MIME["yaml"],
        key="rules_download",
    )
    return text_in_force, source_in_force, words


def _rules_error(message: str) -> None:
    st.sidebar.error(md(message))
    st.error(f"{t('app.rules.invalid')}\n\n{md(message)}")
    return None


def _reset_whatif(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def whatif_sidebar(base, lang: str) -> whatif.WhatIf:
    """Number inputs for each target rate, band limit and the materiality floor, starting at the file's values."""
    start = whatif.settings_of(base)
    prefix = f"whatif_{(base.sha256 or '')[:10]}_"
    with st.sidebar.expander(t("app.whatif")):
        st.caption(t("app.whatif.help"))
        targets = {}
        for group in base.groups:
            st.markdown(f"**{md(group.name.get(lang))}**")
            for category in [c for c in base.categories if c.group == group.id]:
                targets[category.id] = st.number_input(
                    t(f"app.whatif.target.{group.direction.value}", category=category.name.get(lang)),
                    min_value=0.0,
                    max_value=100.0,
                    value=start.targets[category.id],
                    step=0.5,
                    format="%.1f",
                    key=f"{prefix}target_{category.id}",
                )
        st.markdown(f"**{t('app.whatif.bands')}**")
        bands = {}
        for band in whatif.band_settings(base):
            bands[band.key] = st.number_input(
                t(
                    "app.whatif.band",
                    direction=msg.t(f"direction.{Direction(band.direction).value}", lang),
                    level=msg.level_label(band.level, lang),
                ),
                min_value=0.1,
                max_value=100.0,
                value=band.max_shortfall_pp,
                step=0.5,
                format="%.1f",
                key=f"{prefix}band_{band.direction}_{band.index}",
            )
        materiality = st.number_input(
            t("app.whatif.materiality"),
            min_value=0.0,
            value=start.materiality_yuan,
            step=1000.0,
            format="%.0f",
            key=f"{prefix}materiality",
        )
        st.button(t("app.whatif.reset"), key="whatif_reset", on_click=_reset_whatif, args=(prefix,))
    return whatif.WhatIf(targets=targets, bands=bands, materiality_yuan=materiality)


def stage_sidebar(load, rules_text: str, rules_source: str, lang: str) -> str | None:
    """Which figures are compared, offered only when the data hold a stage other than the rules' own."""
    present = [s for s in STAGES if s in set(load.table[STAGE].astype(str))]
    wanted = cache.rules(rules_text, rules_source).compare.stage
    if not present or present == [wanted]:
        return None
    default = wanted if wanted in present else present[0]
    return st.sidebar.selectbox(
        t("app.stage"),
        present,
        index=unless_set(lk("stage"), present.index(default)),
        format_func=lambda v: msg.t(f"stage.{v}", lang),
        placeholder=t("app.choose"),
        key=lk("stage"),
    )


# -- shared pieces ------------------------------------------------------------------------------------


def column_config(table: views.Table) -> dict[str, object]:
    """Number formats (万元 with thousands separators, signed rates, plain years and rows) and widths."""
    grid = {**formats.GRID, "rate_percent": formats.GRID["rate"]}
    numbers = {name: grid[kind] for name, kind in table.formats().items()}
    config: dict[str, object] = {}
    for name in [*numbers, *table.wide, *table.narrow, *table.pinned, *table.full]:
        options: dict[str, object] = {}
        if name in table.full:
            options["width"] = views.text_width_px(table.table[name], name)
        elif name in table.wide:
            options["width"] = table.wrap_px if table.lines > 1 else "large"  # a wrapping grid: it wraps
        elif name in table.narrow:
            options["width"] = "small"
        if name in table.pinned:
            options["pinned"] = True
        if name in numbers:
            config[name] = st.column_config.NumberColumn(name, format=numbers[name], **options)
        else:
            config[name] = st.column_config.Column(name, **options)
    return config


def show_table(table: views.Table, *, key: str | None = None, select: str | None = None, height="auto"):
    """A display table with formatted amounts (万元) and rates, the level column in its colour.

    Tables whose text must be read whole (``wrap``) are drawn as wrapping HTML tables when small.
    """
    data = table.table
    if table.wrap and not select and len(data) <= WRAP_ROWS:
        # st.table renders every cell as Markdown: text from the data is escaped first
        shown = table.display()
        st.table(shown.map(lambda v: md(v) if isinstance(v, str) else v).style.hide(axis="index"))
        return None
    if table.css is not None and len(data):
        frame = table.css.reindex(index=data.index, columns=data.columns).fillna("")
        data = data.style.apply(lambda _: frame, axis=None)
    elif table.level and len(data):
        css = {text: cell_css(level) for level, text in _level_texts().items()}
        data = data.style.map(lambda v: css.get(v, ""), subset=[table.level])
    kwargs = {"on_select": "rerun", "selection_mode": select} if select else {}
    return st.dataframe(
        data,
        column_config=column_config(table),
        column_order=table.column_order(),
        row_height=table.row_px(),
        hide_index=True,
        key=key,
        placeholder="—",
        height=height,
        width="stretch",
        **kwargs,
    )


def _level_texts() -> dict[str, str]:
    lang = st.session_state.get("lang", "zh")
    return {level: views.level_text(level, lang) for level in ("compliant", "white", "yellow", "red", "none")}


def scope_picker(evaluation, lang: str, key: str, everything: bool = False) -> views.Scope:
    """The scope to show: all scopes' worst level (matrix only), the whole government, or a department."""
    options = views.scope_options(evaluation)
    if everything:
        options = [views.ALL_SCOPES, *options]
    encoded = [f"{a}{GOV_SEP}{b}" for a, b in options]
    by_code = dict(zip(encoded, options, strict=True))
    chosen = st.selectbox(
        t("app.scope"),
        encoded,
        format_func=lambda v: views.scope_text(evaluation, by_code[v], lang),
        placeholder=t("app.choose"),
        key=lk(key),
        persist_state=KEEP,
    )
    return by_code.get(chosen, options[0])


# -- views --------------------------------------------------------------------------------------------


def headline(evaluation, lang: str) -> None:
    """The level counts: one compact row, the first thing under the title."""
    st.markdown(views.level_tiles_html(evaluation.level_counts(), lang), unsafe_allow_html=True)


def overview(evaluation, load, lang: str, run: str) -> None:
    """Under the matrix: reconciliation, the guardrail cards and the data-problems card, downloads."""
    show = {"ok": st.success, "notice": st.warning, "error": st.error}[evaluation.reconciliation_level()]
    show(md(evaluation.reconciliation_text(lang)))
    for note in evaluation.note_texts(lang):
        st.info(md(note))
    headlines = views.group_headlines(evaluation, lang)
    columns = st.columns(len(headlines))
    for column, group_headline in zip(columns, headlines, strict=True):
        column.markdown(views.headline_html(group_headline, lang), unsafe_allow_html=True)
    st.markdown(
        views.problems_card_html(views.problem_counts(load), views.top_problems(load, lang), lang),
        unsafe_allow_html=True,
    )
    st.caption(md(views.load_summary_text(load, lang)))
    rejected = load.totals()["rejected_rows"]
    if rejected or load.failed_files:
        st.warning(t("app.load.attention", rejected=rejected, failed=len(load.failed_files)))
    row = st.container(horizontal=True)
    for fmt in pipeline.DOWNLOAD_FORMATS:
        row.download_button(
            t(f"app.download.{fmt}"),
            cache.report_maker(run, evaluation, load, lang, fmt),
            file_name=f"{whatif.file_stem(DEFAULT_STEM, evaluation)}{SUFFIXES[fmt]}",
            mime=pipeline.MIME[fmt],
            key=f"download_{fmt}",
            icon=":material/download:",
            on_click="ignore",
        )


def _on_matrix_click(group: str) -> None:
    """Remember the clicked cell (category id, year) so its lines open under the matrix."""
    event = st.session_state.get(f"matrix_{group}")
    picked = (event or {}).get("selection", {}).get(charts.CELL_SELECTION) if event else None
    if picked:
        st.session_state["matrix_cell"] = (picked[0].get("category"), int(picked[0].get("year")))


def _close_cell() -> None:
    st.session_state.pop("matrix_cell", None)


def matrix_view(evaluation, lang: str) -> None:
    """The compliance matrix right under the headline: heatmaps (a table on narrow screens);
    a click on a cell opens the lines behind it."""
    left, right = st.columns([1.1, 1.6], vertical_alignment="bottom")
    with left:
        scope = scope_picker(evaluation, lang, "matrix_scope", everything=True)
    right.markdown(views.legend_html(lang), unsafe_allow_html=True)
    cells = views.matrix_cells(evaluation, scope, lang)
    with st.container(key="matrix_wide"):
        for group in evaluation.rules.groups:
            part = cells.loc[cells["group"] == group.id]
            direction = msg.t(f"direction.{group.direction.value}", lang)
            st.markdown(t("app.group_title", name=md(group.name.get(lang)), direction=md(direction)))
            st.vega_lite_chart(
                spec=charts.matrix_spec(part, lang),
                width="stretch",
                key=f"matrix_{group.id}",
                on_select=partial(_on_matrix_click, group.id),
                selection_mode=charts.CELL_SELECTION,
            )
    with st.container(key="matrix_narrow"):
        st.markdown(views.matrix_table_html(cells, lang), unsafe_allow_html=True)
    captions = [
        t("app.matrix.help_all" if scope == views.ALL_SCOPES else "app.matrix.help"),
        t("app.matrix.click"),
    ]
    if scope == views.government_scope(evaluation):
        captions.append(t("app.matrix.basis"))
    st.caption(" ".join(captions))
    picked = st.session_state.get("matrix_cell")
    if picked:
        category, year = picked
        row = cells.loc[(cells["category"] == category).to_numpy() & (cells["year"] == year).to_numpy()]
        if len(row):
            opened = _cell_scope(evaluation, row.iloc[0])
            with st.container(border=True, key="matrix_lines"):
                head, close = st.columns([3, 1], vertical_alignment="center")
                head.markdown(
                    f"**{md(t('app.matrix.opened', scope=views.scope_text(evaluation, opened, lang), category=evaluation.rules.category(category).name.get(lang), year=year))}**"
                )
                close.button(t("app.matrix.close"), key="matrix_close", on_click=_close_cell)
                source_lines(evaluation, opened, category, year, lang)
    broken = views.broken_cells_text(cells, lang)
    if broken:
        with st.expander(
            t("app.matrix.broken", scope=md(views.scope_text(evaluation, scope, lang))) + f"（{len(broken)}）"
        ):
            st.markdown("\n".join(f"- {md(line)}" for line in broken))
    else:
        st.success(t("app.matrix.all_ok", scope=md(views.scope_text(evaluation, scope, lang))))


def _cell_scope(evaluation, cell) -> views.Scope:
    """The scope whose lines a clicked cell opens: its own, the worst one for all scopes, else the government."""
    if cell["drill_scope_type"]:
        return (cell["drill_scope_type"], cell["drill_scope"])
    options = views.scope_options(evaluation)
    return views.government_scope(evaluation) if views.government_scope(evaluation) in options else options[0]


def trends_view(evaluation, lang: str) -> None:
    scope = scope_picker(evaluation, lang, "trend_scope")
    st.caption(t("app.trend.help"))
    points = views.trend_points(evaluation, scope, lang)
    categories = evaluation.rules.categories
    for start in range(0, len(categories), 2):  # one row of two charts at a time, so rows line up
        for column, category in zip(st.columns(2), categories[start : start + 2], strict=False):
            part = points.loc[points["category"] == category.id]
            with column:
                if part.empty:
                    st.markdown(f"**{md(category.name.get(lang))}**")
                    st.caption(t("app.trend.empty"))
                else:
                    title = f"{category.name.get(lang)} · {part['target_text'].iloc[0]}"
                    st.markdown(f"**{md(title)}**")
                    st.vega_lite_chart(spec=charts.trend_spec(part, title, lang), width="stretch")
                    basis = views.basis_caption(part, lang)
                    if basis:
                        st.caption(basis)


def _on_drill_cell(table: views.DepartmentTable) -> None:
    event = st.session_state.get("drill_table")
    cells = event.selection.cells if event is not None else []
    if not cells:
        return
    found = table.cell(*cells[0])
    if found:
        scope, category = found
        st.session_state[lk("drill_scope")] = f"{scope[0]}{GOV_SEP}{scope[1]}"
        st.session_state[lk("drill_category")] = category


def departments_view(evaluation, lang: str) -> None:
    years = views.compared_years(evaluation)
    if not years:
        st.info(t("app.no_comparison"))
        return
    year = st.selectbox(
        t("col.year"), years[::-1], placeholder=t("app.choose"), key="drill_year", persist_state=KEEP
    )
    table = views.department_table(evaluation, year, lang)
    st.caption(t("app.drill.help"))
    styled = table.shown().style.apply(lambda _: table.levels.map(cell_css), axis=None)
    rate_columns = list(table.rates.columns[2:])
    config = {c: st.column_config.TextColumn(c) for c in rate_columns}
    scope_col, worst_col = table.rates.columns[:2]  # who and how bad stay in view when scrolling sideways
    config[scope_col] = st.column_config.Column(scope_col, pinned=True)
    config[worst_col] = st.column_config.Column(worst_col, pinned=True)  # sized to "Yellow (warning)"
    st.dataframe(
        styled,
        column_config=config,
        hide_index=True,
        height=38 + 35 * len(table.rates) if len(table.rates) <= 20 else 38 + 35 * 20,
        key="drill_table",
        on_select=partial(_on_drill_cell, table),
        selection_mode="single-cell",
        placeholder="—",
        width="stretch",
    )
    options = views.scope_options(evaluation)
    encoded = [f"{a}{GOV_SEP}{b}" for a, b in options]
    by_code = dict(zip(encoded, options, strict=True))
    categories = [c.id for c in evaluation.rules.categories]
    start_scope, start_category = table.worst_cell() or (options[0], categories[0])
    left, right = st.columns(2)
    code = left.selectbox(
        t("col.scope"),
        encoded,
        index=unless_set(lk("drill_scope"), options.index(start_scope)),
        format_func=lambda v: views.scope_text(evaluation, by_code[v], lang),
        placeholder=t("app.choose"),
        key=lk("drill_scope"),
        persist_state=KEEP,
    )
    category = right.selectbox(
        t("col.category"),
        categories,
        index=unless_set(lk("drill_category"), categories.index(start_category)),
        format_func=lambda c: evaluation.rules.category(c).name.get(lang),
        placeholder=t("app.choose"),
        key=lk("drill_category"),
        persist_state=KEEP,
    )
    source_lines(evaluation, by_code.get(code, options[0]), category, year, lang)


def source_lines(evaluation, scope: views.Scope, category: str, year: int, lang: str) -> None:
    st.markdown(f"**{t('app.drill.lines', prev_year=year - 1, year=year)}**")
    st.info(md(views.cell_detail(evaluation, scope, category, year, lang)))
    lines, totals = views.source_lines(evaluation, scope, category, year, lang)
    st.caption(md(totals) or t("app.drill.none"))
    if len(lines):
        show_table(lines, height=min(420, 38 + 35 * len(lines)))


def findings_view(evaluation, lang: str, run: str) -> None:
    everything = cache.memo("findings", (run, lang), lambda: views.findings_table(evaluation, lang))
    keys = everything.keys
    rules = evaluation.rules
    levels = st.pills(  # a row of its own: the chips are never cut off
        t("col.level"),
        ["red", "yellow", "white"],
        selection_mode="multi",
        format_func=lambda v: msg.level_label(v, lang),
        key=lk("f_levels"),
    )
    columns = st.columns([1, 1.3, 1.5, 1])
    groups = columns[0].multiselect(
        t("col.group"),
        [g.id for g in rules.groups],
        format_func=lambda g: rules.group(g).name.get(lang),
        key=lk("f_groups"),
        placeholder=t("app.filter.all"),
        select_all=False,
        persist_state=KEEP,
    )
    categories = columns[1].multiselect(
        t("col.category"),
        [c.id for c in rules.categories],
        format_func=lambda c: rules.category(c).name.get(lang),
        key=lk("f_categories"),
        placeholder=t("app.filter.all"),
        select_all=False,
        persist_state=KEEP,
    )
    gov = views.government_scope(evaluation)
    scopes = columns[2].multiselect(
        t("col.scope"),
        list(dict.fromkeys(keys["scope"])),
        format_func=lambda s: views.scope_text(evaluation, gov, lang) if s == gov[1] else s,
        key=lk("f_scopes"),
        placeholder=t("app.filter.all"),
        select_all=False,
        persist_state=KEEP,
    )
    years = columns[3].multiselect(
        t("col.year"),
        sorted(set(int(y) for y in keys["year"])),
        key="f_years",
        placeholder=t("app.filter.all"),
        select_all=False,
        persist_state=KEEP,
    )
    chosen = views.filter_findings(
        everything,
        views.FindingFilter(tuple(levels), tuple(groups), tuple(categories), tuple(scopes), tuple(years)),
    )
    st.caption(t("app.findings.count", shown=len(chosen), total=len(everything)))
    row = chosen.row_px() or 35
    event = show_table(
        chosen, key="findings_table", select="single-row", height=min(640, 38 + row * max(len(chosen), 1))
    )
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if rows and rows[0] < len(chosen):
        key = chosen.keys.iloc[rows[0]]
        source_lines(evaluation, (key["scope_type"], key["scope"]), key["category"], int(key["year"]), lang)
    else:
        st.caption(t("app.findings.select"))


def execution_view(evaluation, lang: str, run: str) -> None:
    """预算执行: 决算 against the year's budget per scope and category, then PEFA PI-1 / PI-2."""
    st.caption(md(execution_summary(evaluation, lang) + " · " + baseline_text(evaluation, lang)))
    everything = st.toggle(t("app.execution.all"), key="execution_all", persist_state=KEEP)
    table = cache.memo(
        "execution", (run, lang, everything), lambda: views.execution_table(evaluation, lang, not everything)
    )
    if len(table):
        show_table(table, key="execution_table", height=min(640, 38 + (table.row_px() or 35) * len(table)))
    pefa = cache.memo("pefa", (run, lang), lambda: views.pefa_table(evaluation, lang))
    if len(pefa):
        st.subheader(t("execution.pefa_title"), anchor=False)
        show_table(pefa, key="pefa_table", height=min(420, 38 + 35 * len(pefa)))


def unclassified_view(evaluation, lang: str, run: str) -> None:
    table = cache.memo("unclassified", (run, lang), lambda: views.unclassified_table(evaluation, lang))
    amount = int(evaluation.unclassified[AMOUNT_FEN].sum()) if len(evaluation.unclassified) else 0
    st.caption(t("app.unclassified.summary", lines=len(table), amount=format_wan(amount)))
    if len(table):
        show_table(table, height=min(640, 38 + 35 * len(table)))


def rejected_view(load, lang: str) -> None:
    table = views.rejected_table(load, lang)
    if len(table):
        st.warning(t("app.rejected.summary", rows=len(table)))
        show_table(table)
    else:
        st.success(t("app.rejected.none"))


def load_view(load, lang: str) -> None:
    totals = load.totals()
    metrics = st.columns(6)
    for column, (key, value) in zip(
        metrics,
        [
            ("app.load.files", totals["files"]),
            ("app.load.rows_read", totals["rows_read"]),
            ("app.load.data_rows", totals["data_rows"]),
            ("app.load.subtotal_rows", totals["subtotal_rows"]),
            ("app.load.rejected_rows", totals["rejected_rows"]),
            ("app.load.problems", len(load.problems)),
        ],
        strict=True,
    ):
        column.metric(t(key), f"{value:,}", border=True)
    kind, text = views.accounted_banner(load, lang)
    (st.success if kind == "ok" else st.error)(text)
    st.markdown(f"**{t('app.load.sheets')}**")
    show_table(views.sheets_table(load, lang))
    st.markdown(f"**{t('app.problems')}**")
    problems = views.problems_table(load, lang)
    if len(problems):
        show_table(problems)
    else:
        st.success(t("app.problems.none"))


def cases_view(evaluation, lang: str, rules=None) -> None:
    """督办台账, from the ledger alone (no data needs to be loaded): open cases overdue first, a case's
    history and the lines the run that found it recorded, what changed since the last submission, a
    note or 销号, the 督办单 and the 整改通知书."""
    from budget_guard.cases import CaseStore, current_clock
    from budget_guard.cases.changes import case_lines, cell_text, scope_title, submission_changes
    from budget_guard.cases.view import LEVELS_WORST_FIRST, CaseFilter, ordered
    from budget_guard.dashboard import signin
    from budget_guard.dashboard.views.cases import (
        case_counts,
        case_table,
        history_table,
        lines_to_show,
        recorded_caption,
        recorded_lines_table,
        state_level_table,
    )
    from budget_guard.errors import BudgetGuardError
    from budget_guard.reports.case_sheet import CaseSheet, build_case_workbook
    from budget_guard.reports.notice import build_notice_workbook, notices
    from budget_guard.reports.paper import heading_from

    path = signin.ledger_path(st.secrets)
    if path is None:
        st.info(t("app.cases.no_ledger"))
        return
    if not path.is_file():
        st.warning(t("app.cases.missing", path=md(path)))
        return
    access = signin.access(st.user, st.secrets)
    try:  # a ledger that cannot be read (newer format, not SQLite) is one message, never a traceback
        store = CaseStore(path, create=False, readonly=not access.can_write)
        every = store.cases()
    except BudgetGuardError as exc:
        st.error(md(msg.t("ledger.cases_unreadable", lang, error=exc.message(lang))))
        return
    if store.bad_rows:  # damaged rows: named (case number, field, value) and left out
        st.warning(
            md(msg.t("ledger.bad_rows_app", lang, count=len(store.bad_rows)))
            + "\n\n"
            + "\n".join(f"- {md(bad.message(lang))}" for bad in store.bad_rows)
        )
    now = current_clock()()
    heading = heading_from(evaluation.rules if evaluation is not None else rules)
    if access.mode == signin.SIGNED_IN_MODE:
        who = st.columns([4, 1])
        who[0].caption(t("app.cases.signed_in", name=md(access.actor.name)))
        who[1].button(t("app.cases.logout"), on_click=st.logout, key="cases_logout")
    elif access.auth_configured:
        st.button(t("app.cases.login"), on_click=st.login, key="cases_login", type="primary")
    if access.mode == signin.READ_ONLY:
        st.caption(t("app.cases.read_only"))
    elif access.mode == signin.UNVERIFIED_MODE:
        st.caption(t("app.cases.unverified"))

    totals = case_counts(every, now)
    metrics = st.columns(5)
    metrics[0].metric(t("app.cases.total_metric"), totals["total"])
    metrics[1].metric(t("app.cases.overdue_metric"), totals["overdue"])
    for column, level in zip(metrics[2:], LEVELS_WORST_FIRST, strict=True):
        column.metric(msg.level_label(level, lang), totals["by_level"][level])
    st.dataframe(state_level_table(every, now, lang), hide_index=True, width="content")
    filters = st.columns([1.4, 1.2, 1.2])
    states = filters[0].multiselect(
        t("case.col.state"),
        ["listed", "open", "in_progress", "rectified", "closed"],
        format_func=lambda s: t(f"case.state.{s}"),
        key="cases_states",
        placeholder=t("app.filter.all"),
    )
    levels = filters[1].multiselect(
        t("case.col.level"),
        list(LEVELS_WORST_FIRST),
        format_func=lambda v: msg.level_label(v, lang),
        key="cases_levels",
        placeholder=t("app.filter.all"),
    )
    department = filters[2].text_input(t("app.cases.department"), key="cases_department")
    checks = st.columns(2)
    overdue = checks[0].checkbox(t("app.cases.only_overdue"), key="cases_overdue")
    include_all = checks[1].checkbox(t("app.cases.include_closed"), key="cases_all")
    case_filter = CaseFilter(
        tuple(states), tuple(levels), department.strip() or None, overdue, not include_all
    )
    chosen = ordered(every, now, case_filter)
    st.caption(t("app.cases.count", shown=len(chosen), total=len(every)))
    whatif_words = evaluation.whatif if evaluation is not None else ()
    sheet = CaseSheet(
        tuple(chosen), store.all_events(), now, path.name, case_filter, whatif_words, heading=heading
    )
    downloads = st.columns(2)
    stem = (
        whatif.file_stem(t("case.sheet.title"), evaluation)
        if evaluation is not None
        else t("case.sheet.title")
    )
    downloads[0].download_button(
        t("app.cases.download"),
        data=build_case_workbook(sheet, lang),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="cases_download",
    )
    downloads[1].download_button(
        t("app.cases.notice_download"),
        data=build_notice_workbook(notices(chosen, heading, lang), heading, now, lang),
        file_name=f"{t('notice.title')}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="cases_notice_download",
    )
    table = case_table(chosen, now, lang, heading.unit_for(lang))
    show_table(table, key="cases_table", height=min(640, 38 + (table.row_px() or 35) * max(len(table), 1)))
    with st.expander(t("app.cases.changes")):
        changed = [c for c in submission_changes(store.run_cells(), store.case_events_by_run()) if c.changed]
        if not changed:
            st.caption(t("app.cases.changes_none"))
        for change in changed:
            st.markdown(f"**{md(scope_title(change, lang))}**")
            texts = [cell_text(c, lang) for c in change.cells] + case_lines(change, lang)
            st.markdown("\n".join(f"- {md(x)}" for x in texts))
    number = st.selectbox(
        t("case.col.number"),
        [c.number for c in chosen],
        index=None,
        placeholder=t("app.cases.select"),
        key="cases_pick",
    )
    case = next((c for c in chosen if c.number == number), None)
    # the outcome of the last write, shown now even when the written case has left the list
    # (a closed case does): never later, under another case
    outcome = st.session_state.pop("cases_outcome", None)
    if case is None:
        _show_outcome(outcome)
        st.caption(t("app.cases.select"))
        return
    st.subheader(
        md(f"{case.number} · {case.key.scope} · {case.category_en if lang == 'en' else case.category_zh}"),
        anchor=False,
    )
    st.markdown(md(case.message_en if lang == "en" else case.message_zh))
    st.markdown(f"**{t('app.cases.history')}**")
    st.dataframe(history_table(store.history(case.number), lang), hide_index=True, width="stretch")
    st.markdown(f"**{t('app.cases.behind')}**")
    records = lines_to_show(store.lines(case.number))  # what the ledger recorded, never the page's data
    if not records:
        st.caption(md(t("app.cases.lines.none", sources=case.sources or "—")))
    for record in records:
        st.caption(md(recorded_caption(record, lang)))
        if record.get("lines"):
            show_table(recorded_lines_table(record, lang), key=f"cases_lines_{record['id']}")
    if not access.can_write:
        return
    actor = access.actor
    if access.mode == signin.UNVERIFIED_MODE:
        actor = signin.entered_actor(st.text_input(t("app.cases.your_name"), key="cases_name"))
    st.text_area(t("app.cases.note"), key="cases_note_text")
    st.button(
        t("app.cases.add_note"), key="cases_add_note", on_click=_write_case, args=(store, case, actor, "note")
    )
    st.text_input(t("app.cases.close_reason"), key="cases_close_reason")
    st.button(
        t("app.cases.close"), key="cases_close", on_click=_write_case, args=(store, case, actor, "close")
    )
    _show_outcome(outcome)


def _show_outcome(outcome) -> None:
    if outcome:
        (st.success if outcome[0] == "ok" else st.error)(md(outcome[1]))


def _write_case(store, case, actor, what: str) -> None:
    """A note or a 销号 from the page: one ledger write, then the inputs are cleared."""
    from budget_guard.cases import current_clock
    from budget_guard.errors import BudgetGuardError

    lang = st.session_state.get("lang", "zh")
    if actor is None:
        st.session_state["cases_outcome"] = ("error", t("app.cases.need_name"))
        return
    try:
        if what == "note":
            store.note(case.number, st.session_state.get("cases_note_text", ""), actor, now=current_clock()())
            st.session_state["cases_note_text"] = ""
        else:
            store.close(
                case.number, st.session_state.get("cases_close_reason", ""), actor, now=current_clock()()
            )
            st.session_state["cases_close_reason"] = ""
    except BudgetGuardError as exc:
        st.session_state["cases_outcome"] = ("error", exc.message(lang))
        return
    st.session_state["cases_outcome"] = ("ok", t("app.cases.saved"))


def ledger_alone(rules, lang: str) -> None:
    """The 督办台账 with no data loaded: it reads the ledger file, not the page's data."""
    from budget_guard.dashboard import signin

    if signin.ledger_path(st.secrets) is None:
        return
    st.header(t("app.tab.cases"), anchor=False)
    st.caption(t("app.cases.ledger_only"))
    cases_view(None, lang, cache.rules(rules[0], rules[1]) if rules is not None else None)


def welcome(lang: str) -> None:
    st.info(t("app.welcome"))
    st.button(t("app.sample"), key="sample_main", on_click=_use_sample, type="primary")


# -- page ---------------------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="budget-guard", page_icon=":material/account_balance:", layout="wide")
    # as in .streamlit/config.toml, also when the app is started from another folder: no traceback for visitors
    st.set_option("client.showErrorDetails", "none")
    lang = language()
    page_css(lang)
    st.title(t("app.title"), anchor=False)
    data = data_sidebar(lang)
    rules = rules_sidebar(lang)
    if rules is not None and rules[2]:
        st.warning(
            md(t("app.whatif.banner", changes="；".join(zh if lang == "zh" else en for zh, en in rules[2])))
        )
    if data is None:
        welcome(lang)
        ledger_alone(rules, lang)
        return
    uploads, key, options, described = data
    with st.spinner(t("app.reading")):
        load = cache.load(uploads, key, options)
    if rules is None:
        return
    rules_text, rules_source, words = rules
    stage = stage_sidebar(load, rules_text, rules_source, lang)
    with st.spinner(t("app.evaluating")):
        evaluation = whatif.marked(
            cache.evaluation(load, key, options, rules_text, rules_source, stage), words
        )
    run = cache.run_key(key, options, rules_text, stage)
    st.caption(md(f"{described} · {evaluation.rules.title.get(lang)} · {t(f'stage.{evaluation.stage}')}"))
    restored = st.session_state.pop("restored", None)
    if restored:
        st.info(md(t("app.restored", count=len(restored), names="、".join(restored))))
    checked = gate.gate(evaluation, load, lang)
    for error in checked.file_errors:
        st.error(md(error), icon=":material/error:")
    if not checked.show_results or checked.file_errors:
        st.error(md(checked.outcome_text(lang)))
    if not checked.show_results:
        st.warning(t("app.gate.withheld"))
        load_view(load, lang)
        return
    headline(evaluation, lang)
    matrix_view(evaluation, lang)
    overview(evaluation, load, lang, run)

    tabs = st.tabs([t(k) for k in TABS], key="view", on_change="rerun")
    views_by_tab = {
        "app.tab.trends": lambda: trends_view(evaluation, lang),
        "app.tab.departments": lambda: departments_view(evaluation, lang),
        "app.tab.findings": lambda: findings_view(evaluation, lang, run),
        "app.tab.execution": lambda: execution_view(evaluation, lang, run),
        "app.tab.unclassified": lambda: unclassified_view(evaluation, lang, run),
        "app.tab.rejected": lambda: rejected_view(load, lang),
        "app.tab.load": lambda: load_view(load, lang),
        "app.tab.cases": lambda: cases_view(evaluation, lang),
    }
    for tab, name in zip(tabs, TABS, strict=True):
        if tab.open:
            with tab:
                views_by_tab[name]()


main()
