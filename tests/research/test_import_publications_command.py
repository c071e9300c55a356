"""``manage.py import_publications``: the same import for large files, in bulk."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from benchmarks.bibtex_file import TOPICS, bibtex_file
from research.bibtex.bulk import BATCH_SIZE
from research.models import Publication
from tests.graphql import create_publication, data_of, gql

from .bibtex_fixture import FIXTURE, NEW, NEW_TITLES, PHOTON, PHOTON_DOI, SKIPPED, UPDATED

pytestmark = pytest.mark.django_db

SEARCH = """
query ($search: String) {
  publications(search: $search, first: 100) {
    totalCount edges { node { title domain { slug } authors { name person { name } } } }
  }
}
"""


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_publications", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_fixture_imports_with_a_summary_and_a_progress_bar(client):
    before = Publication.objects.count()
    out, err = run(str(FIXTURE), "--domain", "applications", "--publish")
    assert f"{NEW} new, {UPDATED} updated, {SKIPPED} skipped (published" in out
    assert "Skipped line 245 broken2022: could not be read" in out
    assert err.rstrip().endswith("] 34/34 entries")
    assert "[########################################]" in err
    assert Publication.objects.count() == before + NEW
    assert Publication.objects.get(title=PHOTON).doi == PHOTON_DOI

    uber = Publication.objects.get(title=NEW_TITLES[0])
    assert uber.live and uber.domain.slug == "applications"
    assert uber.live_revision_id == uber.latest_revision_id
    assert uber.revisions.count() == 1
    assert uber.revisions.get().content["title"] == NEW_TITLES[0]
    actions = ModelLogEntry.objects.filter(object_id=str(uber.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["wagtail.create", "wagtail.publish"]
    assert [a.name for a in uber.authors.all()] == ["Jörg Müller", "Zoë Schön"]

    # Readers find them, with their authors and linked people.
    result = data_of(gql(client, SEARCH, {"search": "Cafe cost aware"}))["publications"]
    assert result["totalCount"] == 1
    node = result["edges"][0]["node"]
    assert node["domain"]["slug"] == "applications"
    assert node["authors"][2] == {"name": "Shoumik Palkar", "person": {"name": "Shoumik Palkar"}}

    out, _ = run(str(FIXTURE), "--publish")
    assert f"0 new, 0 updated, {NEW + UPDATED + SKIPPED} skipped" in out
    assert Publication.objects.count() == before + NEW


def test_dry_run_and_drafts(client):
    before = Publication.objects.count()
    out, err = run(str(FIXTURE), "--dry-run")
    assert f"{NEW} new, {UPDATED} updated, {SKIPPED} skipped (would be drafts" in out
    assert "dry run, nothing changed" in out and err == ""
    assert Publication.objects.count() == before

    run(str(FIXTURE))
    uber = Publication.objects.get(title=NEW_TITLES[0])
    assert not uber.live and uber.has_unpublished_changes and uber.live_revision is None
    assert (
        data_of(gql(client, SEARCH, {"search": "Skalierbarkeit"}))["publications"]["totalCount"]
        == 0
    )
    out, _ = run(str(FIXTURE))
    assert "0 new, 0 updated" in out


def test_bad_arguments_are_refused_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="No research domain “nope”. Choose one of: "):
        run(str(FIXTURE), "--domain", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.bib"))
    latin1 = tmp_path / "latin1.bib"
    latin1.write_bytes("@misc{a, title={Caf\xe9}}".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(str(latin1))


def test_a_generated_file_larger_than_a_batch_imports_whole(tmp_path, client):
    """The 10,000-entry run is timed in benchmarks (README); here counts, past one batch."""
    count = BATCH_SIZE + 20
    path = tmp_path / "many.bib"
    path.write_text(bibtex_file(count), encoding="utf-8")
    before = Publication.objects.count()
    out, err = run(str(path), "--publish")
    assert f"{count} new, 0 updated, 0 skipped" in out
    assert f"] {count}/{count} entries" in err
    assert Publication.objects.count() == before + count
    slugs = Publication.objects.values_list("slug", flat=True)
    assert len(set(slugs)) == len(slugs)
    result = data_of(gql(client, SEARCH, {"search": f"Part {count - 1}"}))["publications"]
    topic = TOPICS[(count - 1) % len(TOPICS)].replace("{", "").replace("}", "")
    assert [e["node"]["title"] for e in result["edges"]] == [
        f"Scalable {topic} & Café Workloads, Part {count - 1}"
    ]
    out, _ = run(str(path), "--publish")
    assert f"0 new, 0 updated, {count} skipped" in out


def test_a_title_that_lengthens_when_folded_is_found_already_in_the_cms(tmp_path):
    # Its search key is cut to 255 characters when stored; the import must compare the
    # entry's title by the same key, or it adds the paper a second time.
    title = "ﬁ" * 100 + "İ" * 100
    create_publication(title, year=2020)
    before = Publication.objects.count()
    bib = tmp_path / "folded.bib"
    bib.write_text(f"@misc{{folded, title={{{title}}}, author={{Ada Example}}, year={{2020}}}}")

    out, _ = run(str(bib), "--domain", "distributed-systems")

    assert "0 new" in out
    assert Publication.objects.count() == before
