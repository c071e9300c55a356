"""What research content grants the editor roles (composed by ``home.roles``)."""

from home.roles import EDITORS, MARKETING, Grants


def grants():
    return {
        EDITORS: Grants(
            permissions=(
                "research.add_publication",
                "research.change_publication",
                "research.delete_publication",
                "research.publish_publication",
                "research.lock_publication",
                "research.unlock_publication",
                "research.add_researchdomain",
                "research.change_researchdomain",
                "research.delete_researchdomain",
            ),
            # The one Publications page: edit and publish, never delete
            # (``ResearchPage.permissions_for_user``).
            pages=(("research.ResearchPage", ("change_page", "publish_page", "lock_page")),),
            collections=(
                "wagtaildocs.add_document",
                "wagtaildocs.change_document",
                "wagtaildocs.choose_document",
                "wagtailimages.choose_image",
            ),
        ),
        # A story lists publications: Marketing chooses them.
        MARKETING: Grants(permissions=("research.view_publication",)),
    }
