"""System checks on stored data that newer rules would refuse.

Webhook endpoints saved before secrets had a minimum length, or before plain ``http``
needed ``CMS_WEBHOOKS["ALLOW_HTTP"]``, are kept as they are: deleting or rewriting an
administrator's endpoint would break its receiver without a word. Instead ``migrate``
and ``manage.py check --database default`` name them. A short secret keeps signing
deliveries until someone edits the endpoint, whose form then asks for a long one; an
``http`` URL is refused at delivery ("address not allowed") until it is changed.
"""

from urllib.parse import urlsplit

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.database)
def check_webhook_endpoints(app_configs=None, databases=None, **kwargs):
    if not databases:  # database checks run only when asked for (migrate, --database)
        return []
    from .models import MIN_WEBHOOK_SECRET_LENGTH, WebhookEndpoint
    from .webhook_conf import webhook_setting

    try:
        endpoints = list(WebhookEndpoint.objects.only("name", "url", "secret"))
    except DatabaseError:  # before the table exists (``migrate`` checks first)
        return []
    found = []
    for endpoint in endpoints:
        if len(endpoint.secret) < MIN_WEBHOOK_SECRET_LENGTH:
            found.append(
                checks.Warning(
                    f"Webhook endpoint “{endpoint.name}” has a secret shorter than "
                    f"{MIN_WEBHOOK_SECRET_LENGTH} characters.",
                    hint="Edit it under Webhooks → Webhook endpoints, set a new secret and "
                    "give it to the receiver.",
                    obj=endpoint,
                    id="cms.W001",
                )
            )
        if urlsplit(endpoint.url).scheme != "https" and not webhook_setting("ALLOW_HTTP"):
            found.append(
                checks.Warning(
                    f"Webhook endpoint “{endpoint.name}” does not use https; its deliveries "
                    "are refused.",
                    hint="Edit it under Webhooks → Webhook endpoints and give an https:// URL.",
                    obj=endpoint,
                    id="cms.W002",
                )
            )
    return found
