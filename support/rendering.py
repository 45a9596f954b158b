"""Support Center articles are written in Markdown and rendered to HTML that is safe to show.

Markdown passes raw HTML through on purpose, so everything it produces is cleaned by nh3 (the
Ammonia sanitizer) against an allow-list: no scripts, no event-handler attributes, no styles,
links only to http(s) and mailto. Staff write the articles, but a pasted snippet or a
compromised staff account must never run script in a provider's session.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# "extra" gives tables, definition lists and abbreviations; "sane_lists" keeps numbered and
# bulleted lists apart the way writers expect.
EXTENSIONS = ["extra", "sane_lists"]


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above
