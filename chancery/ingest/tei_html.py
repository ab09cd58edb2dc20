"""TEI P5 (as FRUS writes it) to the reading HTML of a document.

A small declarative table maps TEI elements to HTML; anything not in it keeps its text
(real data is messy: no word is dropped because an element is unfamiliar). Footnotes become
numbered notes at the end with links both ways; page breaks become citable page markers.
The result still goes through the corpus sanitiser when it is saved.
"""

from __future__ import annotations

import re
from html import escape

from django.urls import reverse

TEI = "{http://www.tei-c.org/ns/1.0}"
FRUS = "{http://history.state.gov/frus/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: TEI element -> HTML element: block and inline structure that maps one to one.
ELEMENTS = {
    "p": "p",
    "list": "ul",
    "item": "li",
    "table": "table",
    "row": "tr",
    "figure": "figure",
    "seg": "span",
    "del": "del",
}
#: TEI element HTML has no element for -> the HTML element that stands in, with the TEI
#: name as its class (``<div class="closer">``).
CLASSED = {
    "head": "h3",
    "closer": "div",
    "opener": "div",
    "signed": "p",
    "salute": "p",
    "dateline": "p",
    "postscript": "div",
    "label": "span",
    "attachment": "div",
}
#: ``hi/@rend`` -> HTML element; any other rendering keeps its words in a plain span.
RENDITIONS = {
    "italic": "em",
    "bold": "strong",
    "superscript": "sup",
    "subscript": "sub",
    "underline": "u",
    "strikethrough": "s",
}
#: Renderings HTML has no element for, kept as a class of the same name: ``hi/@rend``
#: (on a span) and ``p/@rend`` (the paragraph's alignment).
HI_CLASSES = {"smallcaps"}
P_RENDS = {"center", "right", "flushleft"}
SKIP = {"graphic", "lb"}
BLOCKS = {"list", "table", "quote", "figure", "div", "closer", "opener"}
SPACES = re.compile(r"\s+")  # handled or without text


def local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


class Converter:
    """Converts one document ``div``; nested documents become links to their own records."""

    def __init__(self, doc_id: str, public_id_of, title_of):
        self.prefix = doc_id.replace("/", "-")
        self.public_id_of = public_id_of  # nested div -> its public id
        self.title_of = title_of  # nested div -> its title
        self.notes: list[str] = []
        self.out: list[str] = []
        self.last_page = ""

    # -- driver --------------------------------------------------------------------------
    def convert(self, div, start_page: str = "") -> str:
        if start_page:
            self.out.append(self._page(start_page))
        for child in div:
            self.node(child)
            self.text(child.tail)
        return "".join(self.out) + self._footnotes()

    def text(self, text: str | None) -> None:
        if text:
            self.out.append(escape(SPACES.sub(" ", text), quote=False))

    def children(self, el) -> None:
        self.text(el.text)
        for child in el:
            self.node(child)
            self.text(child.tail)

    def wrap(self, el, tag: str, cls: str = "", attrs: str = "") -> None:
        cls_attr = f' class="{cls}"' if cls else ""
        self.out.append(f"<{tag}{cls_attr}{attrs}>")
        self.children(el)
        self.out.append(f"</{tag}>")

    # -- elements ------------------------------------------------------------------------
    def node(self, el) -> None:
        name = local(el.tag)
        handler = getattr(self, f"el_{name}", None)
        if handler is not None:
            handler(el)
        elif name in ELEMENTS:
            tag, cls = ELEMENTS[name], ""
            if name == "p":
                cls = rend if (rend := el.get("rend", "")) in P_RENDS else ""
                if any(local(c.tag) in BLOCKS for c in el):
                    tag = "div"  # HTML cannot nest a list or table in a paragraph
            self.wrap(el, tag, cls)
        elif name in CLASSED:
            self.wrap(el, CLASSED[name], name)
        elif name in SKIP:
            if name == "lb":
                self.out.append("<br>")
        elif name:
            self.children(el)  # persName, placeName, gloss, date …: keep the words

    def el_hi(self, el) -> None:
        rend = el.get("rend", "")
        if rend in HI_CLASSES:
            self.wrap(el, "span", rend)
        else:
            self.wrap(el, RENDITIONS.get(rend, "span"), "")

    def el_div(self, el) -> None:
        if el.get("type") == "document":
            href = reverse("web:document", args=[self.public_id_of(el)])
            title = escape(self.title_of(el))
            self.out.append(f'<p class="enclosure">[Enclosure: <a href="{href}">{title}</a>]</p>')
        else:
            self.wrap(el, "div", "section")

    def el_quote(self, el) -> None:
        block = el.get("rend") == "blockquote" or any(local(c.tag) == "p" for c in el)
        self.wrap(el, "blockquote" if block else "q")

    def el_list(self, el) -> None:
        if any(local(c.tag) == "label" for c in el):
            self.out.append("<dl>")
            for child in el:
                name = local(child.tag)
                if name in ("label", "item"):
                    self.wrap(child, "dt" if name == "label" else "dd")
                else:
                    self.node(child)
            self.out.append("</dl>")
        else:
            self.wrap(el, "ol" if el.get("type") == "ordered" else "ul")

    def el_cell(self, el) -> None:
        attrs = ""
        if el.get("cols"):
            attrs += f' colspan="{escape(el.get("cols"))}"'
        if el.get("rows"):
            attrs += f' rowspan="{escape(el.get("rows"))}"'
        parent = el.getparent()
        heading = el.get("role") == "label" or (
            parent is not None and parent.get("role") == "label"
        )
        self.wrap(el, "th" if heading else "td", attrs=attrs)

    def el_ref(self, el) -> None:
        target = el.get("target", "")
        if target.startswith(("http://", "https://")):
            self.wrap(el, "a", attrs=f' href="{escape(target)}"')
        else:
            self.children(el)

    def el_gap(self, el) -> None:
        self.out.append('<span class="gap">[…]</span>')

    def el_pb(self, el) -> None:
        page = el.get("n", "")
        if page:
            self.last_page = page
            marker = self._page(page)
            before = "".join(self.out[-1:])
            # Between words ("having <pb/>entered"): a space keeps the marker off the next
            # word; inside a word ("Pe<pb/>kin") the word stays whole.
            if before[-1:].isspace() and el.tail and not el.tail[:1].isspace():
                marker += " "
            self.out.append(marker)

    def el_note(self, el) -> None:
        if el.get("type") == "source":
            self.wrap(el, "p", "source-note")
            return
        number = len(self.notes) + 1  # for the anchors; the mark is the printed one
        printed = escape((el.get("n") or "").strip() or str(number))
        ref, note = f"fnref-{self.prefix}-{number}", f"fn-{self.prefix}-{number}"
        self.out.append(
            f'<sup class="footnote-ref"><a href="#{note}" id="{ref}">{printed}</a></sup>'
        )
        saved, self.out = self.out, []
        self.children(el)
        body = "".join(self.out)
        self.out = saved
        self.notes.append(
            f'<li id="{note}"><span class="footnote-mark">{printed}</span> {body} '
            f'<a href="#{ref}" class="footnote-back" title="Back to the text">↩</a></li>'
        )

    # -- parts ---------------------------------------------------------------------------
    @staticmethod
    def _page(page: str) -> str:
        page = escape(page.strip("[]"))
        return f'<span class="pb" data-page="{page}">[Page {page}]</span>'

    def _footnotes(self) -> str:
        if not self.notes:
            return ""
        return (  # a plain list: the printed marks ("2a") are in the items
            '<section class="footnotes"><h4>Notes</h4><ul class="footnote-list">'
            + "".join(self.notes)
            + "</ul></section>"
        )
