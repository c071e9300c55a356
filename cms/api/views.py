"""The public GraphQL endpoint: limits, coded and masked errors, caching, persisted queries.

One request goes through, in order: method and size checks, the per-IP rate
limit, GraphiQL (development), request decoding (GET, POST JSON, batches),
automatic persisted queries, the response cache, parsing (token limit), spec
validation (introspection rule in production), query limits
(``cms.api.limits``), execution within the request's budget (``cms.api.budget``),
and error formatting. Every error leaves with a message and ``extensions.code``;
unexpected ones are masked and logged with the request id. Nothing here answers
with a 5xx, except 503 ``SERVICE_UNAVAILABLE`` while the database is unreachable
(``cms.api.database_outage``). The response's media type and status code follow
the GraphQL-over-HTTP spec (``cms.api.http``).
"""

import hashlib
import json
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView
from graphql import OperationType, get_operation_ast
from graphql.language import Visitor, visit

from cms import metrics
from cms.request_id import current_request_id

from . import cache as response_cache
from . import http, persisted_queries, tags
from .absolute_urls import cache_variant
from .budget import run_within_budget
from .conf import api_setting
from .database_outage import database_unreachable, log_outage, unreachable_database_error
from .documents import prepare_document
from .errors import APIError, ErrorCode
from .limits import check_limits
from .ratelimit import retry_after
from .variables import variable_errors

logger = logging.getLogger("cms.api")

#: The README's seed query, preloaded in GraphiQL (a test keeps the two equal).
GRAPHIQL_DEFAULT_QUERY = Path(__file__).with_name("graphiql_default_query.graphql")

PREVIEW_ARGUMENTS = {"token", "previewToken", "preview_token"}
#: When the answer's content was read (milliseconds since the epoch), for the edge:
#: ``deploy/varnish/default.vcl`` keeps an answer only if no purge came after it.
CONTENT_READ_AT_HEADER = "X-Content-Read-At"
#: Seconds an edge that checks ``CONTENT_READ_AT_HEADER`` may keep an answer computed
#: while content changed (sent ``s-maxage=0`` for every other cache).
EDGE_MAX_AGE_HEADER = "X-Edge-Max-Age"
#: ``run_operation``'s third value for an answer computed while content changed.
MAYBE_OUT_OF_DATE = "maybe out of date"


class RequestError(Exception):
    """A request-level refusal: no operation ran.

    ``before_execution`` marks a well-formed GraphQL-over-HTTP request refused
    before execution: its status then depends on the response's media type
    (``http.status_before_execution``); other refusals keep ``status``.
    """

    def __init__(self, message, code, status=400, headers=None, *, before_execution=False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.headers = headers or {}
        self.before_execution = before_execution

    def status_for(self, media_type):
        if self.before_execution:
            return http.status_before_execution(media_type, self.status)
        return self.status

    def payload(self):
        return {"errors": [{"message": self.message, "extensions": {"code": self.code.value}}]}


def database_unavailable():
    wait = api_setting("SERVICE_UNAVAILABLE_RETRY_AFTER")
    return RequestError(
        f"The service is temporarily unavailable; retry in {wait} seconds.",
        ErrorCode.SERVICE_UNAVAILABLE,
        status=503,
        headers={"Retry-After": str(wait)},
    )


def _json(data):
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


class _PreviewArgumentFinder(Visitor):
    def __init__(self):
        super().__init__()
        self.found = False

    def enter_argument(self, node, *args):
        if node.name.value in PREVIEW_ARGUMENTS:
            self.found = True


def asks_for_preview(document):
    finder = _PreviewArgumentFinder()
    visit(document, finder)
    return finder.found


def refused(formatted_errors, media_type):
    """``(body, status, cacheable)`` of a request refused before execution.

    The one place that decides the HTTP status of parse, validation, variable and
    limit errors: 400 with ``application/graphql-response+json``, 200 with
    ``application/json`` (``http.status_before_execution``). No ``data``.
    """
    return _json({"errors": formatted_errors}), http.status_before_execution(media_type), False


def format_error(error, *, default_code):
    """Coded errors pass through; GraphQL's own get ``default_code``; the rest is masked."""
    formatted = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    original = getattr(error, "original_error", None)
    if extensions.get("code") or isinstance(original, APIError):
        extensions.setdefault("code", original.extensions["code"] if original else default_code)
    elif original is None:
        extensions["code"] = default_code.value
    else:
        request_id = current_request_id()
        logger.error(
            "Unexpected error in GraphQL resolver (request %s)",
            request_id,
            exc_info=(type(original), original, original.__traceback__),
        )
        formatted["message"] = (
            f"Internal server error: {original}" if settings.DEBUG else "Internal server error."
        )
        extensions["code"] = ErrorCode.INTERNAL_SERVER_ERROR.value
        extensions["requestId"] = request_id
    formatted["extensions"] = extensions
    return formatted


@method_decorator(csrf_exempt, name="dispatch")
class PublicGraphQLView(GraphQLView):
    """GraphQL over GET and POST for the public, read-only API."""

    def dispatch(self, request, *args, **kwargs):
        with metrics.measured_request() as measured:
            self.operation_label = metrics.ANONYMOUS_OPERATION
            response = self.answer(request)
            measured.update(operation=self.operation_label, status=response.status_code)
        return response

    def answer(self, request):
        self.media_type = http.negotiate(request.headers.get("Accept"))
        try:
            response = self.handle(request)
        except DatabaseError as error:
            if not database_unreachable(error):
                raise
            log_outage(error)
            response = self.refuse(database_unavailable())
            # Logged once a minute by log_outage, not as one django.request error per request.
            response._has_been_logged = True
        except RequestError as refusal:
            response = self.refuse(refusal)
        return http.vary_on_accept(response)

    def refuse(self, refusal):
        response = HttpResponse(
            _json(refusal.payload()),
            status=refusal.status_for(self.media_type),
            content_type=http.content_type(self.media_type),
        )
        for header, value in refusal.headers.items():
            response[header] = value
        response["Cache-Control"] = "no-store"
        return response

    # --- request level ------------------------------------------------------

    def handle(self, request):
        if request.method not in ("GET", "POST"):
            raise RequestError(
                "Use GET or POST for GraphQL requests.",
                ErrorCode.METHOD_NOT_ALLOWED,
                status=405,
                headers={"Allow": "GET, POST"},
            )
        self.check_size(request)
        try:
            payload = None if self.shows_graphiql(request) else self.decode(request)
        except RequestError:
            self.check_rate_limit(request, operations=1)  # refused requests count too
            raise
        if isinstance(payload, list):
            self.operation_label = metrics.BATCH_OPERATION
        elif payload is not None:
            self.operation_label = metrics.operation_label(payload.get("operationName"))
        self.check_rate_limit(request, operations=len(payload) if isinstance(payload, list) else 1)
        if payload is None:
            return self.render_graphiql(request, **self.graphiql_context())
        if self.media_type is None:
            raise RequestError(
                f"This API answers in `{http.GRAPHQL_RESPONSE_JSON}` or `{http.JSON}`; "
                "the Accept header allows neither.",
                ErrorCode.NOT_ACCEPTABLE,
                status=406,
            )
        if isinstance(payload, list):
            return self.run_batch(request, payload)
        body, status, cacheable = self.run_operation(request, payload)
        return self.respond(request, body, status, cacheable)

    @staticmethod
    def check_rate_limit(request, operations):
        """Each operation counts, so a batch is refused whole when it does not fit."""
        wait = retry_after(request, operations)
        if wait is not None:
            metrics.RATE_LIMIT_REFUSALS.labels("api").inc()
            raise RequestError(
                f"Too many requests from your address; retry in {wait} seconds.",
                ErrorCode.RATE_LIMITED,
                status=429,
                headers={"Retry-After": str(wait)},
            )

    def shows_graphiql(self, request):
        return (
            request.method == "GET"
            and settings.GRAPHIQL
            and self.request_wants_html(request)
            and not request.GET.get("query")
            and not request.GET.get("extensions")
        )

    def check_size(self, request):
        limit = api_setting("MAX_BODY_BYTES")
        too_large = RequestError(
            f"The request body is larger than {limit // 1024} KiB.",
            ErrorCode.PAYLOAD_TOO_LARGE,
            status=413,
        )
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise too_large
        try:
            if len(request.body) > limit:
                raise too_large
        except RequestDataTooBig:
            raise too_large from None

    def decode(self, request):
        if request.method == "GET":
            params = {key: request.GET.get(key) for key in ("query", "operationName")}
            for key in ("variables", "extensions"):
                params[key] = self.load_json(request.GET.get(key), key)
            return params
        content_type = (request.content_type or "").lower()
        if content_type == "application/graphql":
            return {"query": request.body.decode("utf-8", errors="replace")}
        if content_type != "application/json":
            raise RequestError(
                "Send the request as `application/json` (or use GET).", ErrorCode.BAD_USER_INPUT
            )
        payload = self.load_json(request.body.decode("utf-8", errors="replace"), "body")
        if isinstance(payload, list):
            max_batch = api_setting("MAX_BATCH_SIZE")
            if not 1 <= len(payload) <= max_batch:
                raise RequestError(
                    f"A batch must hold 1 to {max_batch} operations; got {len(payload)}.",
                    ErrorCode.BAD_USER_INPUT,
                )
            if not all(isinstance(item, dict) for item in payload):
                raise RequestError(
                    "Each operation in a batch must be a JSON object.", ErrorCode.BAD_USER_INPUT
                )
            return payload
        if not isinstance(payload, dict):
            raise RequestError(
                "The request body must be a JSON object (or a list of them).",
                ErrorCode.BAD_USER_INPUT,
            )
        return payload

    @staticmethod
    def load_json(raw, what):
        if raw in (None, ""):
            return None
        if not isinstance(raw, str):
            return raw
        try:
            return json.loads(raw)
        except ValueError:
            raise RequestError(f"`{what}` is not valid JSON.", ErrorCode.BAD_USER_INPUT) from None

    def run_batch(self, request, operations):
        results, statuses = [], []
        for operation in operations:
            try:
                body, status, _cacheable = self.run_operation(request, operation)
            except RequestError as refusal:
                body, status = _json(refusal.payload()), refusal.status_for(self.media_type)
            results.append(body)
            statuses.append(status)
        response = HttpResponse(
            "[" + ",".join(results) + "]",
            status=200 if all(s == 200 for s in statuses) else max(statuses),
            content_type=http.content_type(self.media_type),
        )
        response["Cache-Control"] = "no-store"
        return response

    def respond(self, request, body, status, cacheable):
        # One ETag per representation: the same body in another media type is another one.
        representation = f"{self.media_type}\n{body}".encode()
        etag = '"' + hashlib.sha256(representation).hexdigest()[:32] + '"'
        maybe_out_of_date = cacheable is MAYBE_OUT_OF_DATE
        edge_max_age = None
        if cacheable and status == 200:
            if request.method == "GET":
                # Never past the next expiry time: the answer is wrong from then on.
                left = response_cache.seconds_until_expiry()
                browser, cdn = api_setting("BROWSER_MAX_AGE"), api_setting("CDN_MAX_AGE")
                if left is not None:
                    browser, cdn = min(browser, left), min(cdn, left)
                cache_control = f"public, max-age={browser}, s-maxage={cdn}"
                if maybe_out_of_date:
                    # Computed while content changed: stale at once for browsers and
                    # CDNs, whose purge may have gone out before it arrives. Not no-store:
                    # Varnish would send every request for the URL to the app for a while
                    # (hit-for-miss). Varnish may keep it for ``edge_max_age`` if no purge
                    # came after its content was read (``deploy/varnish/default.vcl``):
                    # a purge after the commit removes it like any other answer.
                    cache_control, edge_max_age = "public, max-age=0, s-maxage=0", cdn
            else:
                cache_control = "no-cache"
            if not maybe_out_of_date and etag in request.headers.get("If-None-Match", ""):
                response = HttpResponse(status=304)
                response["ETag"] = etag
                response["Cache-Control"] = cache_control
                return response
        else:
            cache_control = "no-store"
        response = HttpResponse(
            body, status=status, content_type=http.content_type(self.media_type)
        )
        response["Cache-Control"] = cache_control
        if cacheable and status == 200:
            if not maybe_out_of_date:
                response["ETag"] = etag
            header_tags = getattr(request, "cache_tags", None)
            if request.method == "GET" and header_tags:
                name, separator, _ = tags.header()
                response[name] = separator.join(header_tags)
                read_at = getattr(request, "content_read_at", None)
                if read_at is not None:
                    # An edge keeps it only if no purge came after this moment: a purge
                    # sent while the answer was on its way could not remove it.
                    response[CONTENT_READ_AT_HEADER] = str(int(read_at * 1000))
                if edge_max_age is not None:
                    response[EDGE_MAX_AGE_HEADER] = str(edge_max_age)
        return response

    # --- one operation ------------------------------------------------------

    def run_operation(self, request, params):
        """Return ``(json body, status, cacheable)`` for one operation."""
        query = params.get("query")
        variables = params.get("variables")
        operation_name = params.get("operationName")
        extensions = params.get("extensions")
        if query is not None and not isinstance(query, str):
            raise RequestError("`query` must be a string.", ErrorCode.BAD_USER_INPUT)
        if variables is not None and not isinstance(variables, dict):
            raise RequestError("`variables` must be a JSON object.", ErrorCode.BAD_USER_INPUT)
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestError("`operationName` must be a string.", ErrorCode.BAD_USER_INPUT)
        if extensions is None:
            extensions = {}
        elif not isinstance(extensions, dict):
            raise RequestError("`extensions` must be a JSON object.", ErrorCode.BAD_USER_INPUT)

        query, to_register = self.resolve_persisted_query(query, extensions.get("persistedQuery"))
        if not query:
            raise RequestError("Send a GraphQL `query`.", ErrorCode.BAD_USER_INPUT)

        preview_header = bool(request.headers.get("X-Preview-Token"))
        request.content_read_at = time.time()  # before the cached state is looked up
        lookup = None
        if not preview_header and api_setting("RESPONSE_CACHE_SECONDS") > 0:
            lookup = response_cache.lookup(
                query, variables, operation_name, cache_variant(request)
            )
            cached = lookup and lookup.body
            metrics.RESPONSE_CACHE_LOOKUPS.labels("miss" if cached is None else "hit").inc()
            if cached is not None:  # it ran before, so it is valid
                persisted_queries.register(request, to_register, query)
                request.cache_tags = lookup.header_tags
                return cached, 200, True

        schema = self.schema.graphql_schema
        document, errors, error_code = prepare_document(
            schema,
            query,
            max_tokens=api_setting("MAX_TOKENS"),
            introspection=api_setting("INTROSPECTION"),
            hide_suggestions=not settings.DEBUG,
        )
        operation = get_operation_ast(document, operation_name) if document else None
        if request.method == "GET" and operation and operation.operation != OperationType.QUERY:
            # The spec's MUST: GET is safe, so it never runs a mutation (nor anything else).
            raise RequestError(
                "Only queries can be sent by GET (and this API is read-only).",
                ErrorCode.METHOD_NOT_ALLOWED,
                status=405,
                headers={"Allow": "POST"},
            )
        if errors:
            formatted = [format_error(error, default_code=error_code) for error in errors]
            return refused(formatted, self.media_type)

        if operation is None:
            message = (
                f"No operation named “{operation_name}” in the query."
                if operation_name
                else "The query has several operations: name the one to run in `operationName`."
            )
            raise RequestError(message, ErrorCode.BAD_USER_INPUT, before_execution=True)
        if operation.operation != OperationType.QUERY:
            raise RequestError(
                "This API is read-only: only queries are accepted.",
                ErrorCode.BAD_USER_INPUT,
                before_execution=True,
            )

        errors = variable_errors(schema, operation, variables)
        if errors:
            return refused(errors, self.media_type)
        try:
            check_limits(schema, document, operation, variables)
        except APIError as error:
            return refused([error.formatted], self.media_type)
        persisted_queries.register(request, to_register, query)

        with tags.collecting() as collected:
            result = run_within_budget(
                schema,
                document,
                request=request,
                variable_values=variables,
                operation_name=operation_name,
            )
        unreachable = unreachable_database_error(result.errors)
        if unreachable is not None:
            raise unreachable  # the whole request is unavailable (503), not a 200 with errors
        body = {}
        if result.errors:
            body["errors"] = [
                format_error(error, default_code=ErrorCode.BAD_USER_INPUT)
                for error in result.errors
            ]
        # Execution ran, so the answer is 200 with `data` (null when a required root
        # field failed), as the GraphQL-over-HTTP spec has it.
        body["data"] = result.data
        status = 200
        cacheable = not result.errors and lookup is not None and not asks_for_preview(document)
        encoded = _json(body)
        if cacheable:
            _, separator, limit = tags.header()
            request.cache_tags = collected.tags(limit, separator)
            stored = response_cache.store_response(lookup, encoded, collected, request.cache_tags)
            if stored is False:
                # Content changed while this ran: an edge that kept it would serve the old
                # state past the purge, which went out before the answer arrived.
                cacheable = MAYBE_OUT_OF_DATE
        return encoded, status, cacheable

    @staticmethod
    def resolve_persisted_query(query, persisted):
        """Apollo's automatic persisted queries: a sha256 hash stands for a known query.

        Returns the query, and the hash to register it under once it has validated.
        """
        if persisted is None:
            return query, None
        if not isinstance(persisted, dict) or persisted.get("version", 1) != 1:
            raise RequestError(
                "Unsupported `persistedQuery` extension: send version 1 with `sha256Hash`.",
                ErrorCode.BAD_USER_INPUT,
            )
        sha256_hash = persisted.get("sha256Hash")
        if not isinstance(sha256_hash, str) or len(sha256_hash) != 64:
            raise RequestError(
                "`persistedQuery.sha256Hash` must be a 64-character hex SHA-256.",
                ErrorCode.BAD_USER_INPUT,
            )
        if query:
            if persisted_queries.query_hash(query) != sha256_hash.lower():
                raise RequestError(
                    "`persistedQuery.sha256Hash` does not match the query.",
                    ErrorCode.BAD_USER_INPUT,
                )
            return query, sha256_hash.lower()
        known = persisted_queries.persisted_query(sha256_hash.lower())
        if known is None:
            # Apollo clients answer this by sending the query with its hash once.
            # 404 with application/graphql-response+json, as Apollo Router answers:
            # Apollo Client's persisted-query link turns APQ off for good on a 400.
            raise RequestError(
                "PersistedQueryNotFound",
                ErrorCode.PERSISTED_QUERY_NOT_FOUND,
                status=404,
                before_execution=True,
            )
        return known, None

    def graphiql_context(self):
        """Our template (cms/templates/graphene/graphiql.html) serves pinned local assets,
        so it needs none of graphene-django's CDN versions; only the default query."""
        return {"graphiql_settings": {"defaultQuery": GRAPHIQL_DEFAULT_QUERY.read_text()}}


def graphql_view():
    return PublicGraphQLView.as_view()
