"""The patches of grapple's and graphene's classes live in one module, for pinned versions.

``cms.api.upstream_patches`` changes grapple's types after import where grapple
offers no option. An upgrade of grapple, graphene, graphene-django or graphql-core
must fail here first, so that each patch is checked against the new version, and
no other module may start patching on the side.
"""

import ast
import importlib.metadata
import inspect
from pathlib import Path

import pytest
from graphene.types.objecttype import ObjectTypeOptions
from grapple.types.documents import DocumentObjectType
from grapple.types.images import ImageObjectType, ImageRenditionObjectType
from grapple.types.rich_text import RichText

from cms.api import upstream_patches
from cms.api.schema import schema

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("cms", "home", "research", "careers")


@pytest.mark.parametrize("distribution", sorted(upstream_patches.PINNED))
def test_the_installed_versions_are_the_ones_the_patches_were_checked_against(distribution):
    assert importlib.metadata.version(distribution) == upstream_patches.PINNED[distribution], (
        f"{distribution} changed: check every patch in cms/api/upstream_patches.py against "
        "the new version, then update PINNED."
    )


def test_graphene_still_freezes_type_options():
    # add_node_interface writes past this freeze; if graphene drops it, use plain setattr.
    options = ObjectTypeOptions(ImageObjectType)
    options.interfaces = ()
    options.freeze()
    with pytest.raises(Exception, match="frozen"):
        options.interfaces = ()


@pytest.mark.parametrize(
    "owner, name",
    [
        (ImageObjectType, "resolve_rendition"),
        (ImageObjectType, "resolve_src_set"),
        (ImageObjectType, "resolve_url"),
        (ImageObjectType, "resolve_src"),
        (ImageRenditionObjectType, "resolve_url"),
        (DocumentObjectType, "resolve_url"),
        (RichText, "serialize"),
    ],
)
def test_grapple_still_resolves_through_the_members_the_patches_wrap(owner, name):
    # Grapple's types call these static methods; the patches replaced them. If a new
    # grapple resolved another way (a method, another name), they would silently stop.
    member = inspect.getattr_static(owner, name)
    assert isinstance(member, staticmethod)
    assert member.__func__.__module__ == "cms.api.upstream_patches", f"{owner.__name__}.{name}"


def _patching_statements(tree):
    """Statements that change another module's class: ``X._meta...`` assignments or
    deletions, ``_meta.fields.pop(...)``, ``object.__setattr__(...)`` and assignments to
    ``X.resolve_*`` or ``X.serialize``."""
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else []
        for target in targets:
            if isinstance(target, ast.Subscript):
                target = target.value
            text = ast.unparse(target)
            if isinstance(target, ast.Attribute) and (
                "_meta" in text or target.attr.startswith("resolve_") or target.attr == "serialize"
            ):
                yield node.lineno, text
        if isinstance(node, ast.Call):
            text = ast.unparse(node.func)
            if text == "object.__setattr__" or text.endswith("_meta.fields.pop"):
                yield node.lineno, text
            if text == "setattr" and node.args and "resolve_" in ast.unparse(node.args[1]):
                yield node.lineno, ast.unparse(node)


def test_no_module_but_upstream_patches_patches_classes():
    found = []
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path.name == "upstream_patches.py":
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            found += [
                f"{path.relative_to(ROOT)}:{line}: {text}"
                for line, text in _patching_statements(tree)
            ]
    assert found == []


def test_the_patches_are_applied_to_the_served_schema():
    graphql_schema = schema.graphql_schema
    page_interface = graphql_schema.get_type("PageInterface")
    assert "children" not in page_interface.fields
    assert "draftTitle" not in graphql_schema.get_type("Page").fields
    assert "collection" not in graphql_schema.get_type("ImageObjectType").fields
    assert "Node" in [i.name for i in graphql_schema.get_type("ImageObjectType").interfaces]
