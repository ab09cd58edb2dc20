"""One data builder for a page of search results, rendered as HTML or as JSON.

It validates the request, runs the search, and computes what both renderings show:
the hits, the range line ("21 - 30 of 64"), page links that keep every filter, and each
facet value with its count, whether it is selected and the URL that toggles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import quote_plus, urlencode

from django.core.paginator import Paginator

from . import budget
from .backends import get_backend
from .backends.base import Hit
from .facets import FACETS
from .forms import SearchForm
from .histogram import Histogram, build_histogram
from .plan import TEXT_FIELDS
from .query import LAYERS, SORTS, SearchQuery
from .suggest import FEW, suggest


class BadSearchRequest(Exception):
    """The request's parameters are invalid; ``messages`` says which and why."""

    def __init__(self, messages: dict[str, list[str]]):
        self.messages = messages
        first = next(iter(messages.items()))
        field_name = "" if first[0] == "__all__" else f"{first[0]}: "
        super().__init__(f"{field_name}{first[1][0]}")


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class SearchPage:
    query: SearchQuery
    form: SearchForm
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    num_pages: int
    facets: dict[str, list[FacetOption]]
    params: list[tuple[str, str]]
    base_path: str
    interpretation: str = ""
    notes: list[str] = field(default_factory=list)
    #: (what was typed, [other forms searched too]) from name variants.
    expansions: list[tuple[str, list[str]]] = field(default_factory=list)
    #: Undated documents the search finds without its dates (None: no dates asked).
    undated: int | None = None
    undated_url: str = ""
    histogram: Histogram | None = None
    suggestion: str = ""
    suggestion_url: str = ""
    explain: dict | None = None

    @property
    def layers(self) -> list[tuple[str, str]]:
        return list(LAYERS.items())

    @property
    def show_interpretation(self) -> bool:
        return bool(self.notes or self.expansions) or (
            bool(self.interpretation) and self.interpretation != " ".join(self.query.text.split())
        )

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    def url(self, **changes) -> str:
        """This search's URL with some parameters replaced (None removes one)."""
        params = [(k, v) for k, v in self.params if k not in changes]
        for key, value in changes.items():
            if value is not None:
                params.append((key, str(value)))
        return self.base_path + ("?" + urlencode(params) if params else "")

    def page_url(self, number: int) -> str:
        return self.url(page=number if number > 1 else None)

    def page_links(self) -> list[int | None]:
        """Page numbers to show, None where a run is elided."""
        shown = {1, self.num_pages, *range(self.page - 2, self.page + 3)}
        numbers = sorted(n for n in shown if 1 <= n <= self.num_pages)
        links: list[int | None] = []
        for n in numbers:
            if links and n - (links[-1] or 0) > 1:
                links.append(None)
            links.append(n)
        return links

    def pagination(self) -> list[dict]:
        """Numbered page links for templates: number, url, current (number None: a gap)."""
        return [
            {"number": n, "url": self.page_url(n) if n else None, "current": n == self.page}
            for n in self.page_links()
        ]

    @property
    def prev_url(self) -> str | None:
        return self.page_url(self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.page_url(self.page + 1) if self.page < self.num_pages else None

    @property
    def facet_groups(self) -> list[tuple[str, str, list[FacetOption]]]:
        return [(name, FACETS[name].label, options) for name, options in self.facets.items()]

    @property
    def sorts(self) -> list[tuple[str, str]]:
        return list(SORTS.items())

    @property
    def active_filters(self) -> list[tuple[str, FacetOption]]:
        return [
            (FACETS[name].label, option)
            for name, options in self.facets.items()
            for option in options
            if option.selected
        ]


def _params(request) -> list[tuple[str, str]]:
    """The request's own parameters, minus empty ones, in order."""
    return [(k, v) for k, values in request.GET.lists() for v in values if v != ""]


def _facet_options(facets, query: SearchQuery, params, base_path: str):
    """Each facet value with its toggle URL; adding a value appends one parameter to a
    query string built once (a broad search lists hundreds of values)."""
    kept = [(k, v) for k, v in params if k != "page"]
    prefix = base_path + "?" + (urlencode(kept) + "&" if kept else "")
    options = {}
    for name, values in facets.items():
        selected = set(query.filters.get(name, ()))
        key = quote_plus(name) + "="
        listed = []
        for facet_value in values:
            is_selected = facet_value.value in selected
            if is_selected:
                new = [(k, v) for k, v in kept if not (k == name and v == facet_value.value)]
                url = base_path + ("?" + urlencode(new) if new else "")
            else:
                url = prefix + key + quote_plus(facet_value.value)
            listed.append(
                FacetOption(
                    facet_value.value, facet_value.label, facet_value.count, is_selected, url
                )  # fmt: skip
            )
        options[name] = listed
    return options


def build_search_page(request, *, scope: str | None = None, base_path: str | None = None):
    """Run the search a request asks for; raise :class:`BadSearchRequest` if it is invalid
    or over the cost budget (:mod:`.budget`), :class:`~.budget.SearchTimeout` if it runs
    past the time limit."""
    form = SearchForm.from_request(request)
    if not form.is_valid():
        raise BadSearchRequest(form.error_messages())
    try:
        budget.check_window(
            form.cleaned_data.get("page") or 1, form.cleaned_data.get("per_page") or 10
        )
        with budget.time_limit():
            return _build(request, form, scope, base_path)
    except budget.OverBudget as exc:
        raise BadSearchRequest({exc.param: [exc.message]}) from exc


def _build(request, form: SearchForm, scope: str | None, base_path: str | None):
    user = getattr(request, "user", None)
    staff = bool(user and user.is_authenticated and user.is_staff)
    query = form.to_query(collection_scope=scope, staff=staff)
    backend = get_backend()
    results = backend.search(query)
    per_page = form.cleaned_data.get("per_page") or 10
    # SearchResults iterates through __getitem__ only; the engine contract types it.
    paginator: Paginator[Hit] = Paginator(results, per_page, allow_empty_first_page=True)  # type: ignore[arg-type]
    number = form.cleaned_data.get("page") or 1
    if number > paginator.num_pages:
        raise BadSearchRequest(
            {"page": [f"Page {number} is beyond the last page ({paginator.num_pages})."]}
        )
    page = paginator.page(number)
    params = _params(request)
    path = base_path or request.path
    hits = list(page.object_list)
    parsed = results.parsed
    facets = _facet_options(results.facets(), query, params, path)
    result = SearchPage(
        query=query,
        form=form,
        hits=hits,
        total=paginator.count,
        page=number,
        per_page=per_page,
        num_pages=paginator.num_pages,
        facets=facets,
        params=params,
        base_path=path,
        interpretation=parsed.explain() if query.text else "",
        notes=[*parsed.notes, *results.notes],
        expansions=parsed.expansions,
    )
    result.histogram = build_histogram(result, results)
    if results.has_dates:
        result.undated = results.undated_count()
        kept = [(k, v if k != "q" else strip_dates(v)) for k, v in params if k not in DATE_PARAMS]
        result.undated_url = path + "?" + urlencode([*kept, ("decade", "undated")])
    if query.text and paginator.count < FEW and parsed.has_text:
        _add_suggestion(result, results, backend, params, path)
    if query.explain:
        result.explain = _explain(results, backend)
    return result


_DATES_IN_QUERY = re.compile(r"(?<!\S)-?(?:(?:date|year):\S+|[\d-]*\.\.\.?[\d-]*)(?!\S)", re.I)


def strip_dates(text: str) -> str:
    """The query without the date ranges typed into it."""
    return " ".join(_DATES_IN_QUERY.sub(" ", text).split())


DATE_PARAMS = {"start_date", "end_date", "date_mode", "page", "decade"}


def _add_suggestion(result: SearchPage, results, backend, params, path) -> None:
    text = suggest(result.query.text, results.parsed.typed_words(), backend.vocabulary)
    if not text:
        return
    better = backend.search(replace(result.query, text=text)).count()
    if better > result.total:
        result.suggestion = text
        kept = [(k, v) for k, v in params if k not in ("q", "page")]
        result.suggestion_url = path + "?" + urlencode([("q", text), *kept])


def _explain(results, backend) -> dict:
    """What a staff member sees with ?explain=1: how the query was read and ranked."""
    parsed = results.parsed
    info = {
        "read as": parsed.explain(),
        "groups (all must match unless relaxed)": [
            " OR ".join(str(t) for t in group) for group in parsed.groups
        ],
        "at least this many groups must match": parsed.min_match or "all",
        "relaxed to any word": results.relaxed,
        "text layer": parsed.layer or "all",
        "field filters (database)": [str(f) for f in parsed.filters],
        "date range": f"{results.start or ''}..{results.end or ''}",
        "engine": type(backend).__name__,
        "bm25 field weights": dict(TEXT_FIELDS),
    }
    return info
