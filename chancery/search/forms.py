"""The search request as a Django form: the same cleaned data drives HTML and JSON.

Invalid input is a form error, answered with a 400 that names the parameter; a filter
is never silently ignored.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from chancery.corpus.dates import DateError, partial_date
from chancery.corpus.text import has_illegal, illegal_characters
from chancery.corpus.visibility import public_values

from .budget import MAX_PER_PAGE
from .facets import FACETS
from .kept import kept
from .query import DATE_MODES, LAYERS, SORTS, SearchQuery


class PartialDateField(forms.CharField):
    def __init__(self, *, end: bool, **kwargs):
        self.end = end
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return partial_date(value, end=self.end)
        except DateError as exc:
            raise ValidationError(str(exc)) from exc


class FacetField(forms.Field):
    """A repeatable parameter (``?subject=a&subject=b``) holding facet values."""

    widget = forms.MultipleHiddenInput

    def __init__(self, name: str, **kwargs):
        self.facet = name
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if not value:
            return ()
        if isinstance(value, str):
            value = [value]
        values = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
        bad = next((v for v in values if has_illegal(v)), None)
        if bad is not None:  # before any query: PostgreSQL refuses a NUL even in a lookup
            raise ValidationError(f"A value holds control characters ({illegal_characters(bad)}).")
        return values

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        spec = FACETS[self.facet]
        if spec.model is None:  # the decade
            bad = [v for v in value if v != "undated" and not re.fullmatch(r"\d{3}0", v)]
            if bad:
                raise ValidationError(f"“{bad[0]}” is not a decade: use e.g. 1950 or 'undated'.")
            return
        known = kept(("public facet values", self.facet, value), lambda: _public(spec, value))
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValidationError(f"There is no {self.facet} “{unknown[0]}”.")


def _public(spec, values: tuple[str, ...]) -> set[str]:
    """Which of these values of a facet the public may see (kept until the next write, for
    the search's other pages and every search selecting them)."""
    return public_values(spec.model, spec.key, values)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=1000, label="Search the archive")
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    per_page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_PAGE, label="Results per page"
    )
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()), label="Sort by")
    start_date = PartialDateField(end=False, label="From")
    end_date = PartialDateField(end=True, label="To")
    date_mode = forms.ChoiceField(
        required=False, choices=list(DATE_MODES.items()), label="Date match"
    )
    layer = forms.ChoiceField(
        required=False, choices=[("", "All text"), *LAYERS.items()], label="Search in"
    )
    explain = forms.BooleanField(required=False, label="Explain the ranking (staff only)")

    def add_prefix(self, field_name):
        return field_name

    def clean_q(self):
        # A control character cannot be searched for, and would break the Atom feed's XML.
        q = self.cleaned_data.get("q") or ""
        if has_illegal(q):
            raise ValidationError(
                f"The search holds control characters ({illegal_characters(q)}); remove them."
            )
        return q

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start > end:
            raise ValidationError("The start date is after the end date.")
        return cleaned

    def to_query(self, collection_scope: str | None = None, *, staff: bool = False) -> SearchQuery:
        data = self.cleaned_data
        text = (data.get("q") or "").strip()
        return SearchQuery(
            text=text,
            filters={name: data.get(name) or () for name in FACETS},
            start=data.get("start_date"),
            end=data.get("end_date"),
            date_mode=data.get("date_mode") or "overlap",
            sort=data.get("sort") or ("relevance" if text else "date"),
            collection_scope=collection_scope,
            layer=data.get("layer") or None,
            explain=bool(data.get("explain")) and staff,
        )

    def error_messages(self) -> dict[str, list[str]]:
        return {field: [str(e) for e in errors] for field, errors in self.errors.items()}

    @classmethod
    def from_request(cls, request) -> SearchForm:
        # QueryDict: single fields read the last value, facet fields every value.
        return cls(request.GET)


class _SharedFields(dict):
    """A form's fields, handed to each form as they are: Django deep-copies them for every
    form (the copies cost half a millisecond a search) in case a form changes its own;
    a search form only validates (the page writes its own HTML), so none does."""

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


SearchForm.base_fields = _SharedFields(
    SearchForm.base_fields,
    **{name: FacetField(name, label=spec.label) for name, spec in FACETS.items()},
)
