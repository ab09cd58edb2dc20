"""The search help page: the query language, for users (linked from every search box)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def help_search(request):
    return render(request, "web/help_search.html")
