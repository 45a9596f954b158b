"""{% search_form %}: the directory's search form (templates/directory/search_form.html) from the
fragment cache (directory/fragments.py), for the pages that show it: /directory/ and the front door.
It reads `form`, `more_filters` and `searched` from the page's context, as the include did."""

from django import template
from django.utils.safestring import SafeString

from directory import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def search_form(context) -> SafeString:
    return fragments.search_form(
        context["form"],
        more_filters=bool(context.get("more_filters")),
        searched=bool(context.get("searched")),
    )
