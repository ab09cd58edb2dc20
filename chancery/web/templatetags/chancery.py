"""Template helpers. What every search page repeats (the hits, the filters beside them
with their facet values, the histogram, the page links) is written here in Python: the
same markup as the templates it replaced, byte for byte, in a fraction of the rendering
time (Jinja2 was measured too: bench/README.md). Every value from a request or the archive
is escaped (``_escape``: what ``django.utils.html.escape`` does)."""

import functools
import html

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()


#: The main navigation: (route, label, extra attribute, is it the current page's).
NAV = [
    ("web:search", "Search", "", lambda name: name == "search"),
    ("web:collections", "Collections", "", lambda name: name == "collections"),
    ("web:subjects", "Subjects", "", lambda name: name == "subjects"),
    ("web:places", "Places", "", lambda name: name == "places"),
    ("web:people", "People", "", lambda name: name == "people"),
    ("web:chronology", "Dates", "", lambda name: (name or "")[:10] == "chronology"),
    ("web:types", "Types", "", lambda name: name in ("types", "type")),
    ("web:basket", "Basket", " data-basket-link", lambda name: name == "basket"),
    ("web:about", "About", "", lambda name: name == "about"),
]


@functools.lru_cache(maxsize=256)
def _nav(url_name: str | None, prefix: str) -> str:
    items = [
        f'          <li><a href="{reverse(route)}"{extra}'
        + (' aria-current="page"' if current(url_name) else "")
        + f">{label}</a></li>\n"
        for route, label, extra, current in NAV
    ]
    return "<ul>\n" + "".join(items) + "        </ul>"


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The site's main navigation, the current page marked: made once per page name (every
    page shows it; its nine links were reversed on each)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return mark_safe(_nav(getattr(match, "url_name", None), get_script_prefix()))  # noqa: S308 — constants and reversed URLs


@register.filter
def get_item(mapping, key):
    return mapping.get(key, [])


def _escape(value) -> str:
    """``django.utils.html.escape`` for a plain string (the same five characters, the same
    entities), without its lazy-string and SafeString wrapping (hundreds a page)."""
    return html.escape(str(value), quote=True)


_SELECTED = ' class="selected" aria-current="true"'
_REMOVE = '<span class="visually-hidden">Remove filter: </span>'


def _facet_item(option, announce: bool) -> str:
    # the URL and the label are escaped; the count is an integer (intcomma's grouping)
    if option.selected:
        attrs, hint = _SELECTED, (_REMOVE if announce else "")
    else:
        attrs = hint = ""
    return (
        f'<li><a href="{_escape(option.url)}"{attrs}>{hint}{_escape(option.label)}</a> '
        f'<span class="count">{int(option.count):,}</span></li>'
    )


@register.simple_tag
def facet_items(options, announce=True):
    """``<li>`` links of facet values, each with its count."""
    return mark_safe("".join([_facet_item(o, announce) for o in options]))  # noqa: S308 — escaped above


def _bar(bar, chart_height) -> str:
    e = _escape  # the label and URL come from the data; the rest are numbers
    count = f"{int(bar.count):,}"
    noun = "document" if bar.count == 1 else "documents"
    fill = "#8a3b12" if bar.selected else "#1f4e79"
    label, x, width = e(bar.label), e(bar.x), e(bar.width)
    return (
        f'<a href="{e(bar.url)}" aria-label="{label}: {count} {noun}" class="histogram-bar" '
        f'data-count="{int(bar.count)}" data-label="{label}">\n'
        f"      <title>{label}: {count}</title>\n"
        f'      <rect x="{x}" y="0" width="{width}" height="{e(chart_height)}" '
        'fill="transparent"/>\n'
        f'      <rect x="{x}" y="{e(bar.y)}" width="{width}" height="{e(bar.height)}" '
        f'fill="{fill}"/>\n'
        "    </a>"
    )


@register.simple_tag
def histogram_bars(hist):
    """The bars (links with a title) of the results histogram's SVG: written with
    f-strings, every value from the data escaped (format_html took a third of the
    histogram's time)."""
    parts = [_bar(bar, hist.chart_height) for bar in hist.bars if bar.count]
    return mark_safe("\n    ".join(parts))  # noqa: S308 — every value escaped by _bar


_NO_LABEL = "<span></span>"


@register.simple_tag
def histogram_axis(hist):
    """The axis labels under the chart: one slot per bar (same widths as the bars), in HTML
    so they keep the page's type size on a phone; hidden from screen readers, whose bars
    and table say the same."""
    parts = [
        f'<span class="{"minor" if bar.minor_label else "major"}"><span>{_escape(bar.label)}'
        "</span></span>"
        if bar.show_label
        else _NO_LABEL
        for bar in hist.bars
    ]
    return mark_safe("".join(parts))  # noqa: S308 — the labels escaped


_LAYER_NAMES = {"transcript": "Original transcript", "translation": "Translation",
                "machine": "Machine-read text"}  # fmt: skip


def _hit_provenance(doc) -> str:
    p = getattr(doc, "provenance", None)
    if p is None or not (p.path or p.label):
        return ""
    out = ['<p class="hit-provenance">']
    if p.label:
        out.append(f'<span class="hit-number">{_escape(p.label)}</span>')
        if p.path:
            out.append(" · ")
    if p.path:
        out.append('<span class="visually-hidden">In: </span>')
        titles = [
            f"<cite>{_escape(c.title)}</cite>" if c.is_edition else _escape(c.title) for c in p.path
        ]
        out.append(" › ".join(titles))
    out.append("</p>")
    return "".join(out)


def _hit(hit) -> str:
    """One hit of a results list: the markup ``_hits.html`` had as a template loop."""
    doc = hit.document
    e = _escape  # plain strings from the database and reverse(): html.escape's five
    url = getattr(hit, "reading_url", "") or doc.get_absolute_url()
    date = e(doc.date_display) if doc.date_display else "Undated"
    lines = [
        f'  <li class="hit" data-basket-id="{e(doc.public_id)}" '
        f'data-basket-title="{e(doc.title)}">',
        f'    <p class="hit-date">{date}</p>',
        "    ",
        # title_html, summary_html and snippet_html come from search.marks.marked_to_html,
        # which escapes the text and adds only <mark>
        f'    <h3 class="hit-title"><a href="{e(url)}">{hit.title_html}</a></h3>',
        f"    {_hit_provenance(doc)}",
        f'    <p class="hit-summary">{hit.summary_html}</p>' if hit.summary_html else "    ",
    ]
    if hit.snippet_html:
        layer = _LAYER_NAMES.get(hit.snippet_layer, "Text")
        lines.append(
            f'    <p class="hit-snippet"><span class="hit-layer">{layer}:</span> '
            f"{hit.snippet_html}</p>"
        )
    else:
        lines.append("    ")
    meta: list[str] = [e(doc.doc_type.name)] if doc.doc_type else []
    if hit.layers:
        if doc.doc_type:
            meta.append(" · ")
        matched = ", ".join(e(layer) for layer in hit.layers)
        meta.append(f'<span class="hit-matched">Matched in: {matched}</span>')
    lines.append(f'    <p class="hit-meta">{"".join(meta)}</p>')
    if hit.explain:
        ce = conditional_escape
        why = "; ".join(f"{ce(localize(k))}: {ce(localize(v))}" for k, v in hit.explain.items())
        lines.append(f'    <p class="hit-explain"><small>{why}</small></p>')
    else:
        lines.append("    ")
    lines.append("  </li>")
    return "\n".join(lines)


@register.simple_tag
def hit_items(hits):
    """The ``<li>`` of each hit (ten to a hundred a page, each a dozen fields): written
    here in Python, the markup a template loop gave, a fraction of its time. Every value
    from the data is escaped; the marked titles, summaries and snippets are HTML already
    escaped by search.marks.marked_to_html."""
    return mark_safe("".join(f"\n{_hit(h)}\n  " for h in hits))  # noqa: S308 — escaped above


_CURRENT = ' aria-current="true"'


@register.simple_tag
def histogram_figure(hist):
    """The whole results histogram (chart, axis, and the same counts as a table): the
    markup ``_histogram.html`` had, written here like its bars (measured: half the time of
    the template; Jinja2 measured in between). Labels and URLs are escaped."""
    unit = _escape(hist.unit)
    rows = "".join(
        [
            f'<tr><th scope="row"><a href="{_escape(bar.url)}"'
            f"{_CURRENT if bar.selected else ''}>{_escape(bar.label)}</a></th>"
            f"<td>{int(bar.count):,}</td></tr>"
            for bar in hist.bars
            if bar.count
        ]
    )
    return mark_safe(  # noqa: S308 — every value escaped above or by the two tags
        '<figure class="histogram">\n'
        f'  <figcaption id="histogram-caption">Results by {unit} ({int(hist.total):,} dated). '
        f"Choose a bar to narrow the search to that {unit}.</figcaption>\n"
        '  <div class="histogram-plot">\n'
        f'  <svg viewBox="0 0 {_escape(hist.width)} {_escape(hist.height)}" width="100%" '
        'role="group" aria-labelledby="histogram-caption" xmlns="http://www.w3.org/2000/svg" '
        'class="histogram-chart" focusable="false">\n'
        f"    {histogram_bars(hist)}\n"
        "  </svg>\n"
        f'  <div class="histogram-axis" aria-hidden="true">{histogram_axis(hist)}</div>\n'
        "  </div>\n"
        '  <details class="histogram-table">\n'
        "    <summary>The same counts as a table</summary>\n"
        "    <table>\n"
        f'      <caption class="visually-hidden">Results by {unit}</caption>\n'
        f'      <thead><tr><th scope="col">{_escape(capfirst(hist.unit))}</th>'
        '<th scope="col">Documents</th></tr></thead>\n'
        "      <tbody>\n"
        f"      {rows}\n"
        "      </tbody>\n"
        "    </table>\n"
        "  </details>\n"
        "</figure>\n"
    )


_PAGE = '<span class="visually-hidden">Page </span>'


@register.simple_tag
def pagination(page):
    """The page links under the results: the markup ``_pagination.html`` had, whitespace
    included (its loop and tests cost more than the links). URLs are escaped; numbers are
    integers."""
    if page.num_pages <= 1:
        return "\n"
    out = ['\n<nav class="pagination" aria-label="Pages of results">\n  <ul>\n    ']
    if page.prev_url:
        out.append(
            f'<li><a rel="prev" href="{_escape(page.prev_url)}">Previous'
            '<span class="visually-hidden"> page</span></a></li>'
        )
    out.append("\n    ")
    for link in page.pagination():
        if link["number"] is None:
            item = '<li class="gap" aria-hidden="true">…</li>\n      '
        elif link["current"]:
            item = (
                f'<li><a aria-current="page" href="{_escape(link["url"])}">{_PAGE}'
                f"{int(link['number'])}</a></li>\n      "
            )
        else:
            item = f'<li><a href="{_escape(link["url"])}">{_PAGE}{int(link["number"])}</a></li>'
        out.append(f"\n      {item}\n    ")
    out.append("\n    ")
    if page.next_url:
        out.append(
            f'<li><a rel="next" href="{_escape(page.next_url)}">Next'
            '<span class="visually-hidden"> page</span></a></li>'
        )
    out.append("\n  </ul>\n</nav>\n\n")
    return mark_safe("".join(out))  # noqa: S308 — escaped above


def _hidden(params, leave_out) -> str:
    return "".join(
        [
            f'<input type="hidden" name="{_escape(k)}" value="{_escape(v)}">'
            for k, v in params
            if k not in leave_out
        ]
    )


_NOT_DATES = {"q", "start_date", "end_date", "date_mode", "page"}
_NOT_LAYER = {"layer", "page"}
_SELECTED_OPTION = " selected"


def facets_panel(page, date_chip) -> str:
    """The filters beside the results (dates, text layer, each facet's values): the markup
    ``_facets.html`` had, whitespace included. Every value from the request or the archive
    is escaped; the rest are constants."""
    n = len(page.active_filters)
    active = n + 1 if date_chip else n
    count = f' <span class="count">({active} active)</span>' if (n or date_chip) else ""
    query = page.query
    data = page.form.data
    base = _escape(page.base_path)
    text = f'<input type="hidden" name="q" value="{_escape(query.text)}">' if query.text else ""
    mode = query.date_mode
    layers = "".join(
        [
            f'<option value="{_escape(key)}"{_SELECTED_OPTION if query.layer == key else ""}>'
            f"{_escape(label.lower())} only</option>"
            for key, label in page.layers
        ]
    )
    groups = []
    for name, label, options, more_url in page.facet_groups:
        if not options:
            continue
        more = (
            f'<p class="facet-more"><a href="{_escape(more_url)}">All values'
            f'<span class="visually-hidden"> of {_escape(label)}</span></a></p>'
            if more_url
            else ""
        )
        groups.append(
            f'\n    <section class="facet" aria-labelledby="facet-{_escape(name)}">\n'
            f'      <h3 id="facet-{_escape(name)}">{_escape(label)}</h3>\n'
            "      <ul>\n"
            f"        {facet_items(options)}\n"
            "      </ul>\n"
            f"      {more}\n"
            "    </section>\n    "
        )
    return mark_safe(  # noqa: S308 — every value escaped above; the rest constants
        '<aside class="facets" aria-labelledby="facets-heading">\n'
        "    \n"
        '    <details class="filters" open>\n'
        f"    <summary>Filters{count}</summary>\n"
        '    <h2 id="facets-heading">Refine results</h2>\n'
        f'    <form method="get" action="{base}" class="date-filter">\n'
        "      <fieldset>\n"
        "        <legend>Date</legend>\n"
        f"        {text}\n"
        f"        {_hidden(page.params, _NOT_DATES)}\n"
        '        <label for="start_date">From <span class="hint">(YYYY, YYYY-MM or '
        "YYYY-MM-DD)</span></label>\n"
        '        <input id="start_date" name="start_date" inputmode="numeric" '
        f'value="{_escape(data.get("start_date") or "")}" size="10">\n'
        '        <label for="end_date">To</label>\n'
        '        <input id="end_date" name="end_date" inputmode="numeric" '
        f'value="{_escape(data.get("end_date") or "")}" size="10">\n'
        '        <label for="date_mode">Documents whose date</label>\n'
        '        <select id="date_mode" name="date_mode">\n'
        '          <option value="overlap"'
        f"{_SELECTED_OPTION if mode == 'overlap' else ''}>overlaps the range</option>\n"
        '          <option value="within"'
        f"{_SELECTED_OPTION if mode == 'within' else ''}>falls entirely within it</option>\n"
        "        </select>\n"
        '        <button type="submit">Apply dates</button>\n'
        "      </fieldset>\n"
        "    </form>\n"
        f'    <form method="get" action="{base}" class="layer-filter">\n'
        f"      {_hidden(page.params, _NOT_LAYER)}\n"
        '      <label for="layer">Search in</label>\n'
        '      <select id="layer" name="layer">\n'
        '        <option value="">all text</option>\n'
        f"        {layers}\n"
        "      </select>\n"
        '      <button type="submit">Apply</button>\n'
        "    </form>\n"
        f"    {''.join(groups)}\n"
        "    </details>\n"
        "  </aside>"
    )


@functools.lru_cache(maxsize=256)
def _route(name: str, prefix: str) -> str:
    return reverse(name)


@register.simple_tag
def route(name):
    """``{% url name %}`` for a route without arguments, reversed once per script prefix
    (every page links the same few)."""
    return _route(name, get_script_prefix())


_NOT_SORT = {"sort", "page"}


def _per_page(links) -> str:
    if not links:
        return ""
    items = "".join(
        [
            f'<li><a href="{_escape(url)}"{_CURRENT if current else ""}>{int(n)}</a></li>'
            for n, url, current in links
        ]
    )
    return (
        '<nav class="per-page" aria-label="Results per page"><span>Per page:</span> '
        f'<ul class="per-page-list">{items}</ul></nav>'
    )


def _exports(total: int, links) -> str:
    if not links:
        return ""
    what = "this result" if total == 1 else f"these {int(total):,} results"
    anchors = " · ".join(
        [
            f'<a href="{_escape(url)}" download data-export="{_escape(label)}">{_escape(label)}</a>'
            for label, url in links
        ]
    )
    return (
        f'<div class="export-links" data-records="{int(total)}"><p>Download {what}: {anchors}</p>'
        '\n    <p class="export-status" role="status" aria-live="polite"></p></div>'
    )


@register.simple_tag
def results_bar(page, per_page_links, export_links):
    """The bar above the hits (the range, the sort form, results per page) and the
    downloads: the markup ``_results.html`` had as template loops, whitespace included.
    Values from the request are escaped; the rest are integers and constants."""
    sort = page.query.sort
    options = "".join(
        [
            f'<option value="{_escape(key)}"{_SELECTED_OPTION if sort == key else ""}>'
            f"{_escape(label)}</option>"
            for key, label in page.sorts
        ]
    )
    return mark_safe(  # noqa: S308 — every value escaped above; the rest constants
        '<div class="results-bar">\n'
        f'      <p class="range" role="status">{int(page.first)} - {int(page.last)} of '
        f"{int(page.total):,}</p>\n"
        f'      <form method="get" action="{_escape(page.base_path)}" class="sort">\n'
        f"        {_hidden(page.params, _NOT_SORT)}\n"
        '        <label for="sort">Sort by</label>\n'
        '        <select id="sort" name="sort">\n'
        f"          {options}\n"
        "        </select>\n"
        '        <button type="submit">Sort</button>\n'
        "      </form>\n"
        f"      {_per_page(per_page_links)}\n"
        "    </div>\n"
        f"    {_exports(page.total, export_links)}"
    )
