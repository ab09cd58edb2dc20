"""Private-use characters that mark highlights inside engine and highlighter output.

They are swapped for <mark> only after the text is escaped, so no output injects markup.
"""

import html

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


def marked_to_html(text: str) -> str:
    return html.escape(text or "").replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
