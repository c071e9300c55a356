"""What one API request remembers between its resolvers: one typed object on the request.

Resolvers of one request share lookups (a rich text's link targets, a count every
item of a list reads) so that each costs one query per request, not one per item.
They are kept on the request itself, never across requests.
"""

from dataclasses import dataclass, field


@dataclass
class RequestState:
    #: ``{model: {id: public object or None}}``: link and embed targets of rich text
    #: already checked against ``cms.visibility`` (``cms.api.rich_text``).
    rich_text_targets: dict = field(default_factory=dict)
    #: ``{function: result}``: what ``once_per_request`` computed.
    computed: dict = field(default_factory=dict)


def request_state(request):
    """The ``RequestState`` of ``request`` (made on first use)."""
    state = getattr(request, "api_state", None)
    if state is None:
        state = RequestState()
        request.api_state = state
    return state


def once_per_request(request, compute):
    """``compute()`` on the first call in ``request``, the same result after."""
    computed = request_state(request).computed
    if compute not in computed:
        computed[compute] = compute()
    return computed[compute]
