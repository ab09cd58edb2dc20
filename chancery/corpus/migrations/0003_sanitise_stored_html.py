"""Stored HTML written before every HTML field was sanitised on save (a collection's
introduction was not) passes through the allow-list sanitiser once; stored links that are
not http(s)/mailto are dropped. Idempotent: clean HTML comes out unchanged.

The allow-list is copied here as this migration applies it (migrations are history: they
do not import today's code; :mod:`chancery.corpus.sanitize` is the one saves use now)."""

import nh3
from django.db import migrations

from chancery.migration_operations import RunPython

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "ins", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "aside",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title", "id", "class"},
    "a": {"href"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "span": {"data-page"},
}
CLEAN_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript", "title"}


def clean_html(html: str) -> str:
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags=CLEAN_CONTENT,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def safe_url(url: str) -> str:
    """``url`` if it is an http(s) or mailto link, else ""."""
    url = (url or "").strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in {"http", "https", "mailto"}:
        return url
    return ""


def sanitise(apps, schema_editor):
    def each(model, field, fix):
        for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
            fixed = fix(value)
            if fixed != value:
                model.objects.filter(pk=pk).update(**{field: fixed})

    each(apps.get_model("corpus", "Collection"), "introduction", clean_html)
    each(apps.get_model("corpus", "Translation"), "html", clean_html)
    each(apps.get_model("corpus", "Transcript"), "html", clean_html)
    each(apps.get_model("corpus", "Repository"), "url", safe_url)
    each(apps.get_model("corpus", "Rights"), "url", safe_url)


class Migration(migrations.Migration):
    dependencies = [("corpus", "0002_oai_datestamp_index")]

    operations = [RunPython(sanitise, RunPython.noop, elidable=True, fixes_rows_of=("corpus",))]
