"""A page's "slug already in use" error that says which page holds the slug.

Wagtail's message names only the slug and shows it on the Promote tab. The usual
cause is an abandoned new page: autosave created a draft, the editor started again
with the same title, and Publish fails for a reason they cannot see. The slug stays
unique (Wagtail's rule); the message now names the page that holds it (a draft
that was never published, or a published page), links to edit it, and is shown
beside the title as well as the slug, so it is visible on the Content tab.
"""

from django.urls import reverse
from django.utils.html import format_html


def slug_holder_message(holder, slug):
    if holder.live:
        state = "the published page"
    elif holder.first_published_at is None:
        state = "a draft that was never published,"
    else:
        state = "the unpublished page"
    return format_html(
        'The address “{}” is already used by {} <a href="{}">“{}”</a> in the same '
        "section. Edit or delete that page, or give this one another title and slug.",
        slug,
        state,
        reverse("wagtailadmin_pages:edit", args=[holder.pk]),
        holder.title,
    )


class SlugConflictMessageMixin:
    """For a ``WagtailAdminPageForm``: replaces the slug clash error by one naming the page."""

    def clean(self):
        slug = self.cleaned_data.get("slug")
        cleaned_data = super().clean()
        parent = getattr(self, "parent_page", None)
        if not slug or parent is None or not self.has_error("slug"):
            return cleaned_data
        siblings = parent.get_children().filter(slug=slug)
        if self.instance.pk is not None:
            siblings = siblings.exclude(pk=self.instance.pk)
        holder = siblings.first()
        if holder is None:
            return cleaned_data
        message = slug_holder_message(holder, slug)
        self.errors["slug"] = self.error_class([message])
        self.add_error("title", message)
        return cleaned_data
