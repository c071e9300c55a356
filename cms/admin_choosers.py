"""Snippet choosers whose first column is headed by what it lists.

Wagtail's chooser modal heads its only text column "Title" for every model, so the
person chooser shows a column of names under "Title". A viewset names its column with
``chooser_column_label`` (e.g. "Name") and uses :class:`LabelledChooserViewSet` as
its ``chooser_viewset_class``.
"""

from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet


class LabelledTitleColumnMixin:
    """Relabels the chooser's title column; the link and selection stay Wagtail's."""

    title_column_label = None

    @property
    def title_column(self):
        column = super().title_column
        if self.title_column_label:
            column.label = self.title_column_label
        return column


class LabelledChooseView(LabelledTitleColumnMixin, ChooseView):
    pass


class LabelledChooseResultsView(LabelledTitleColumnMixin, ChooseResultsView):
    pass


class LabelledChooserViewSet(SnippetChooserViewSet):
    """A snippet chooser whose column label is given as ``title_column_label``."""

    choose_view_class = LabelledChooseView
    choose_results_view_class = LabelledChooseResultsView
    title_column_label = None

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(title_column_label=self.title_column_label, **kwargs)


class LabelledChooserMixin:
    """For a ``SnippetViewSet``: the chooser's column is headed ``chooser_column_label``."""

    chooser_column_label = "Name"
    chooser_viewset_class = LabelledChooserViewSet

    @property
    def chooser_viewset(self):
        return self.chooser_viewset_class(
            self.get_chooser_admin_url_namespace(),
            model=self.model,
            url_prefix=self.get_chooser_admin_base_path(),
            icon=self.icon,
            per_page=self.chooser_per_page,
            title_column_label=self.chooser_column_label,
        )
