"""System checks: webhook settings meant for development only, stored data that
newer rules would refuse, and admin forms that would let an outdated form overwrite
a newer version (``cms.E001``, see ``cms.edit_conflicts``).

``check --deploy`` warns when ``CMS_WEBHOOKS`` allows plain http or internal networks:
both exist so a developer can run a receiver on their own machine, and in production
they would let webhooks reach the database, Redis or the metadata service again.

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


@checks.register(checks.Tags.models)
def check_edit_forms(app_configs=None, **kwargs):
    from .edit_conflicts import check_edit_forms_are_version_checked

    return check_edit_forms_are_version_checked(app_configs, **kwargs)


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


@checks.register(checks.Tags.security, deploy=True)
def check_webhook_settings(app_configs=None, **kwargs):
    from .webhook_conf import webhook_setting

    found = []
    if webhook_setting("ALLOW_HTTP"):
        found.append(
            checks.Warning(
                'CMS_WEBHOOKS["ALLOW_HTTP"] is on: webhooks may be sent in clear text.',
                hint="Leave it unset in production.",
                id="cms.W003",
            )
        )
    if webhook_setting("ALLOWED_PRIVATE_NETWORKS"):
        found.append(
            checks.Warning(
                'CMS_WEBHOOKS["ALLOWED_PRIVATE_NETWORKS"] is set: webhooks may reach '
                "internal addresses.",
                hint="Leave it empty in production.",
                id="cms.W004",
            )
        )
    return found
