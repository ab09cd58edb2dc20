"""Untrusted HTML (imported transcripts, editors' pastes) made safe for a page.

An allow-list through nh3: structure and emphasis survive; scripts, styles, event
handlers, ``javascript:`` URLs and foreign elements do not.
"""

import nh3
from lxml import html as lxml_html

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
    """``url`` if it is an http(s) or mailto link, else "": a stored link is rendered as an
    ``href``, so a ``javascript:`` or ``data:`` URL from an import must not reach it."""
    url = (url or "").strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in {"http", "https", "mailto"}:
        return url
    return ""


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, for the search index."""
    if not html:
        return ""
    try:
        return " ".join(lxml_html.fromstring(f"<div>{html}</div>").text_content().split())
    except Exception:  # noqa: BLE001 — an unparsable fragment still yields its words
        return " ".join(nh3.clean(html, tags=set()).split())
