"""The /oai endpoint: one URL, six verbs, answers and errors as OAI-PMH 2.0 XML.

Protocol errors are answered with HTTP 200 and ``<error>`` elements, as the protocol
requires; only a method other than GET or POST gets an HTTP error (405).
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from chancery.corpus.models import Collection
from chancery.corpus.visibility import public

from . import collections as collection_records
from . import records
from .metadata import FORMATS, Context
from .protocol import SECONDS, OAIError, check_arguments, date_range, datestamp
from .sets import SETSPEC, SetTree
from .tokens import Cursor
from .xml import OAI, XSI_LOCATION, envelope, header, response, safe, sub

#: The formats collections are offered in (EAD3 and EAD 2002 finding aids).
EAD_FORMATS = collection_records.FORMATS
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
DEFAULT_PAGE_SIZE = 100


class Provider:
    """One request's view of the repository."""

    def __init__(self, request):
        self.request = request
        self.namespace = settings.OAI_NAMESPACE
        self.base_url = request.build_absolute_uri(reverse("oai:endpoint"))
        self.context = Context(request.build_absolute_uri, settings.SITE_NAME)

    @cached_property
    def tree(self) -> SetTree:
        return SetTree.load()

    @property
    def page_size(self) -> int:
        return getattr(settings, "OAI_PAGE_SIZE", DEFAULT_PAGE_SIZE)

    def identifier(self, public_id: str) -> str:
        return f"oai:{self.namespace}:{public_id}"

    def local_id(self, identifier: str) -> str:
        prefix = f"oai:{self.namespace}:"
        if not identifier.startswith(prefix) or identifier == prefix:
            raise OAIError(
                "idDoesNotExist", f"“{identifier}” is not an identifier of this archive."
            )
        return identifier[len(prefix) :]

    def find(self, identifier: str):
        local = self.local_id(identifier)
        item = (
            collection_records.find(local, self.tree)
            if collection_records.is_collection_id(local)
            else None
        ) or records.find(local, self.tree)
        if item is None:
            raise OAIError("idDoesNotExist", f"There is no record “{identifier}”.")
        return item

    def record(
        self, parent, item: records.Item | collection_records.CollectionItem, prefix: str
    ) -> None:
        element = sub(parent, "record")
        header(element, self.identifier(item.identifier), item)
        if isinstance(item, collection_records.CollectionItem):
            built = collection_records.build(item, self.context, prefix)
            sub(element, "metadata").append(built)
        elif item.document is not None:
            sub(element, "metadata").append(FORMATS[prefix].build(item.document, self.context))

    # -- the verbs -----------------------------------------------------------------------

    def Identify(self, args):
        el = etree.Element(OAI + "Identify")
        sub(el, "repositoryName", settings.SITE_NAME)
        sub(el, "baseURL", self.base_url)
        sub(el, "protocolVersion", "2.0")
        sub(el, "adminEmail", settings.OAI_ADMIN_EMAIL)
        earliest = records.earliest_datestamp()
        sub(el, "earliestDatestamp", datestamp(earliest) if earliest else "1970-01-01T00:00:00Z")
        sub(el, "deletedRecord", "persistent")
        sub(el, "granularity", SECONDS)
        description = sub(el, "description")
        ident = etree.SubElement(
            description, f"{{{OAI_IDENTIFIER_NS}}}oai-identifier", nsmap={None: OAI_IDENTIFIER_NS}
        )
        ident.set(XSI_LOCATION, f"{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_NS}.xsd")
        for tag, text in (
            ("scheme", "oai"),
            ("repositoryIdentifier", self.namespace),
            ("delimiter", ":"),
            ("sampleIdentifier", self.identifier("frus1958-60v19/d12")),
        ):
            etree.SubElement(ident, f"{{{OAI_IDENTIFIER_NS}}}{tag}").text = text
        return el

    def ListMetadataFormats(self, args):
        offered = [*FORMATS.values(), *collection_records.FORMATS.values()]
        if "identifier" in args:
            item = self.find(args["identifier"])
            is_collection = isinstance(item, collection_records.CollectionItem)
            offered = [f for f in offered if (f.prefix in EAD_FORMATS) == is_collection]
        el = etree.Element(OAI + "ListMetadataFormats")
        for fmt in offered:
            entry = sub(el, "metadataFormat")
            sub(entry, "metadataPrefix", fmt.prefix)
            sub(entry, "schema", fmt.schema)
            sub(entry, "metadataNamespace", fmt.namespace)
        return el

    def ListSets(self, args):
        if "resumptionToken" in args:
            raise OAIError("badResumptionToken", "ListSets is never split: there is no token.")
        if not self.tree:
            raise OAIError("noSetHierarchy", "This archive has no collections, so no sets.")
        el = etree.Element(OAI + "ListSets")
        shown = set(public(Collection).values_list("pk", flat=True))
        for spec, collection in self.tree.ordered():
            if not shown & self.tree.ids_within(spec):
                continue  # only drafts are in it (or below it): unpublished work
            entry = sub(el, "set")
            sub(entry, "setSpec", spec)
            sub(entry, "setName", collection.title)
            if collection.short_description:
                description = sub(entry, "setDescription")
                dc = FORMATS["oai_dc"]
                wrapper = etree.SubElement(description, f"{{{dc.namespace}}}dc", nsmap={
                    "oai_dc": dc.namespace, "dc": "http://purl.org/dc/elements/1.1/"
                })  # fmt: skip
                wrapper.set(XSI_LOCATION, f"{dc.namespace} {dc.schema}")
                etree.SubElement(
                    wrapper, "{http://purl.org/dc/elements/1.1/}description"
                ).text = safe(collection.short_description)
        return el

    def GetRecord(self, args):
        prefix = self._prefix(args["metadataPrefix"])
        item = self.find(args["identifier"])
        if (prefix in EAD_FORMATS) != isinstance(item, collection_records.CollectionItem):
            kind = "collections" if prefix in EAD_FORMATS else "documents"
            raise OAIError(
                "cannotDisseminateFormat",
                f"“{prefix}” is offered for {kind} only; ask ListMetadataFormats with "
                "this identifier.",
            )
        el = etree.Element(OAI + "GetRecord")
        self.record(el, item, prefix)
        return el

    def ListIdentifiers(self, args):
        return self._list("ListIdentifiers", args)

    def ListRecords(self, args):
        return self._list("ListRecords", args)

    # -- lists ---------------------------------------------------------------------------

    def _prefix(self, prefix: str) -> str:
        if prefix not in FORMATS and prefix not in EAD_FORMATS:
            offered = ", ".join([*FORMATS, *EAD_FORMATS])
            raise OAIError(
                "cannotDisseminateFormat",
                f"“{prefix}” is not offered here; ask ListMetadataFormats ({offered}).",
            )
        return prefix

    def _cursor(self, verb: str, args) -> Cursor:
        if "resumptionToken" in args:
            cursor = Cursor.decode(args["resumptionToken"], verb)
            if cursor.prefix not in FORMATS and cursor.prefix not in EAD_FORMATS:
                raise OAIError("badResumptionToken", "The token's metadata format is gone.")
            return cursor
        prefix = self._prefix(args["metadataPrefix"])
        start, end = date_range(args)
        spec = args.get("set")
        if spec is not None:
            if not self.tree:
                raise OAIError("noSetHierarchy", "This archive has no collections, so no sets.")
            if not SETSPEC.match(spec):
                raise OAIError("badArgument", f"set: “{spec}” is not a setSpec.")
        return Cursor(verb, prefix, spec, start, end)

    def _list(self, verb: str, args):
        cursor = self._cursor(verb, args)
        eads = cursor.prefix in EAD_FORMATS
        kind = collection_records.CollectionSelection if eads else records.Selection
        selection = kind(cursor.start, cursor.end, cursor.set_spec, self.tree)
        with_records = verb == "ListRecords"
        size = self.page_size
        if eads:  # a finding aid describes a whole volume: a few a page
            size = min(size, collection_records.PAGE_SIZE)
        items, more = selection.page(cursor.after, size, metadata=with_records)
        if not items:
            raise OAIError("noRecordsMatch", "No records match these arguments.")
        el = etree.Element(OAI + verb)
        for item in items:
            if with_records:
                self.record(el, item, cursor.prefix)
            else:
                header(el, self.identifier(item.identifier), item)
        if more or cursor.count:
            token = sub(
                el,
                "resumptionToken",
                completeListSize=str(selection.count()),
                cursor=str(cursor.count),
            )
            if more:
                token.text = Cursor(
                    verb, cursor.prefix, cursor.set_spec, cursor.start, cursor.end,
                    items[-1].key, cursor.count + len(items),
                ).encode()  # fmt: skip
        return el


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request):
    params = request.POST if request.method == "POST" else request.GET
    provider = Provider(request)
    try:
        verb, args = check_arguments({key: params.getlist(key) for key in params})
    except OAIError as exc:
        return _error(provider, None, {}, exc)
    try:
        answer = getattr(provider, verb)(args)
    except OAIError as exc:
        return _error(provider, verb, args, exc)
    root = envelope(provider.base_url, verb, args)
    root.append(answer)
    return response(root)


def _error(provider: Provider, verb, args, exc: OAIError):
    # After badVerb or badArgument the request element must carry no attributes.
    if exc.code in {"badVerb", "badArgument"}:
        verb, args = None, {}
    root = envelope(provider.base_url, verb, args)
    sub(root, "error", exc.message, code=exc.code)
    return response(root)
