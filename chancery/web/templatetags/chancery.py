"""Template helpers. The two lists a broad search makes long (facet values and histogram
bars, hundreds of items) are written here in Python: the same markup as a template loop,
a tenth of the rendering time."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, [])


def _facet_item(option, announce: bool) -> str:
    selected = ' class="selected" aria-current="true"' if option.selected else ""
    hint = (
        '<span class="visually-hidden">Remove filter: </span>'
        if option.selected and announce
        else ""
    )
    # format_html escapes every argument; the two mark_safe ones are constants
    return format_html(
        '<li><a href="{}"{}>{}{}</a> <span class="count">{}</span></li>',
        option.url,
        mark_safe(selected),  # noqa: S308 — a constant
        mark_safe(hint),  # noqa: S308 — a constant
        option.label,
        intcomma(option.count),
    )


@register.simple_tag
def facet_items(options, announce=True):
    """``<li>`` links of facet values, each with its count."""
    return mark_safe("".join(_facet_item(o, announce) for o in options))  # noqa: S308 — escaped above


@register.simple_tag
def histogram_bars(hist):
    """The bars (links with a title) of the results histogram's SVG.

    Each part is format_html, which escapes every value (labels come from the data)."""
    parts = []
    for bar in hist.bars:
        if bar.count:
            count = intcomma(bar.count)
            noun = "document" if bar.count == 1 else "documents"
            fill = "#8a3b12" if bar.selected else "#1f4e79"
            parts.append(
                format_html(
                    '<a href="{url}" aria-label="{label}: {count} {noun}" class="histogram-bar" '
                    'data-count="{n}" data-label="{label}">\n      <title>{label}: {count}</title>'
                    '\n      <rect x="{x}" y="0" width="{w}" height="{ch}" fill="transparent"/>'
                    '\n      <rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>'
                    "\n    </a>",
                    url=bar.url,
                    label=bar.label,
                    count=count,
                    noun=noun,
                    n=bar.count,
                    x=bar.x,
                    w=bar.width,
                    ch=hist.chart_height,
                    y=bar.y,
                    h=bar.height,
                    fill=fill,
                )  # fmt: skip
            )
    return mark_safe("\n    ".join(parts))  # noqa: S308 — every part escaped by format_html


@register.simple_tag
def histogram_axis(hist):
    """The axis labels under the chart: one slot per bar (same widths as the bars), in HTML
    so they keep the page's type size on a phone; hidden from screen readers, whose bars
    and table say the same."""
    parts = []
    for bar in hist.bars:
        if not bar.show_label:
            parts.append("<span></span>")
            continue
        parts.append(
            format_html(
                '<span class="{}"><span>{}</span></span>',
                "minor" if bar.minor_label else "major",
                bar.label,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 — every part escaped by format_html
