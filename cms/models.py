"""Models of the shared machinery: preview snapshots (webhooks follow)."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class PreviewSnapshot(models.Model):
    """A draft exactly as an editor previewed it, for the frontend to fetch by token.

    Wagtail's preview renders the unsaved form; a headless frontend cannot see
    that object, so its serialised content is kept here for a short while and
    the frontend is given a signed, expiring token that points at this row.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    content = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "preview snapshot"

    def __str__(self):
        return f"Preview of {self.content_type} {self.object_id or '(new)'}"

    def as_object(self):
        model = self.content_type.model_class()
        return model.from_serializable_data(self.content, check_fks=False)
