"""Research's schema in one step, its authors linked to ``home.Person``.

Replaces 0001-0005 of the migrations before people moved to ``home``: a fresh
database takes this path, which needs nothing of careers (0001 used to depend
on careers 0001, and careers 0002 only existed to break that loop). A database
that ran those five has them recorded and skips this one; ``home`` 0002 then
moves careers' people tables under home.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
import modelsearch.index
import research.models
import wagtail.models.preview
from django.conf import settings
from django.db import migrations, models


def use_c_collation(apps, schema_editor):
    """Sort titles in code-point order on PostgreSQL, as SQLite does (a locale
    collation ignores spaces and punctuation). SQLite compares bytes already."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE research_publication ALTER COLUMN sort_title TYPE varchar(255) COLLATE "C"'
    )
    schema_editor.execute("REINDEX INDEX publication_title_sort")


def use_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE research_publication ALTER COLUMN sort_title TYPE varchar(255) COLLATE "
        '"default"'
    )


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('research', '0001_initial'),
        ('research', '0002_search_keys'),
        ('research', '0003_sort_title_collation'),
        ('research', '0004_sort_indexes'),
        ('research', '0005_publication_doi_arxiv_id'),
    ]

    dependencies = [
        ('home', '0001_initial_squashed_people'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtaildocs', '0014_alter_document_file_size'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ResearchDomain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('name', models.CharField(error_messages={'unique': 'A research domain with this name already exists.'}, help_text='The name readers see in the filter list, e.g. “AI and ML”.', max_length=100, unique=True)),
                ('slug', models.SlugField(error_messages={'unique': 'Another research domain already uses this slug. Choose a different one.'}, help_text='Used in web addresses and filters. Lowercase letters, numbers and hyphens.', max_length=100, unique=True)),
                ('description', models.TextField(blank=True, help_text='One or two sentences about the domain (optional).')),
            ],
            options={
                'verbose_name': 'research domain',
                'verbose_name_plural': 'research domains',
                'ordering': ['sort_order'],
                'abstract': False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='ResearchPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('intro', models.TextField(blank=True, help_text='The sentence shown under the page title.')),
                ('page_size', models.PositiveSmallIntegerField(default=12, help_text='How many publications to show per page (1-100).', validators=[django.core.validators.MinValueValidator(1, message='Show at least one publication per page.'), django.core.validators.MaxValueValidator(100, message='Show at most 100 publications per page.')])),
                ('default_sort', models.CharField(choices=[('title', 'Title A-Z'), ('title_desc', 'Title Z-A'), ('newest', 'Newest first'), ('oldest', 'Oldest first')], default='title', help_text='How the list is sorted before a reader chooses.', max_length=20)),
            ],
            options={
                'verbose_name': 'research page',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='Publication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('live', models.BooleanField(default=True, editable=False, verbose_name='live')),
                ('has_unpublished_changes', models.BooleanField(default=False, editable=False, verbose_name='has unpublished changes')),
                ('first_published_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='first published at')),
                ('last_published_at', models.DateTimeField(editable=False, null=True, verbose_name='last published at')),
                ('go_live_at', models.DateTimeField(blank=True, null=True, verbose_name='go live date/time')),
                ('expire_at', models.DateTimeField(blank=True, null=True, verbose_name='expiry date/time')),
                ('expired', models.BooleanField(default=False, editable=False, verbose_name='expired')),
                ('locked', models.BooleanField(default=False, editable=False, verbose_name='locked')),
                ('locked_at', models.DateTimeField(editable=False, null=True, verbose_name='locked at')),
                ('title', models.CharField(help_text="The paper's full title.", max_length=255)),
                ('slug', models.SlugField(blank=True, error_messages={'unique': 'Another publication already uses this slug. Change the slug (or the title) so each publication has its own address.'}, help_text="The publication's address in the API. Filled in from the title if left empty; only change it if you need a shorter one.", max_length=255, unique=True)),
                ('sort_title', models.CharField(db_index=True, editable=False, help_text='Lower-cased title: the A-Z sort key, so every database sorts alike.', max_length=255)),
                ('search_title', models.CharField(default='', editable=False, help_text='The title as search sees it (no case, accents or punctuation).', max_length=255)),
                ('venue', models.CharField(blank=True, help_text='Where it was published, e.g. “SIGMOD” or “NSDI”.', max_length=255)),
                ('year', models.PositiveSmallIntegerField(help_text='The year the paper was published.', validators=[django.core.validators.MinValueValidator(1950, message='Enter a year from 1950 onwards.'), research.models.validate_publication_year])),
                ('abstract', models.TextField(blank=True, help_text="The paper's abstract or a short summary (optional).")),
                ('url', models.URLField(blank=True, help_text="A link to the paper, e.g. on arXiv or the publisher's site.", max_length=500, verbose_name='paper link')),
                ('doi', models.CharField(blank=True, help_text='The DOI without the https://doi.org/ prefix, e.g. 10.1145/3514221.3526054.', max_length=255, verbose_name='DOI')),
                ('arxiv_id', models.CharField(blank=True, help_text='The arXiv identifier without version, e.g. 2101.00001 (optional).', max_length=50, verbose_name='arXiv id')),
                ('date_added', models.DateTimeField(default=django.utils.timezone.now, help_text='When the publication was added to the site.')),
                ('latest_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='latest revision')),
                ('live_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='live revision')),
                ('locked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='locked_%(class)ss', to=settings.AUTH_USER_MODEL, verbose_name='locked by')),
                ('pdf', models.ForeignKey(blank=True, help_text='Upload the paper as a PDF if there is no public link.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtaildocs.document', verbose_name='PDF')),
                ('domain', models.ForeignKey(help_text='The research domain readers filter by.', on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='research.researchdomain')),
            ],
            options={
                'verbose_name': 'publication',
                'verbose_name_plural': 'publications',
            },
            bases=(wagtail.models.preview.PreviewableMixin, modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='PublicationAuthor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('name', models.CharField(help_text="The author's name as printed on the paper.", max_length=255)),
                ('person', models.ForeignKey(blank=True, help_text="Optional: link to the person's profile if they work here.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='authorships', to='home.person')),
                ('publication', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='authors', to='research.publication')),
            ],
            options={
                'verbose_name': 'author',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(fields=['sort_title', 'id'], name='publication_title_sort'),
        ),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(fields=['-year', 'sort_title', 'id'], name='publication_newest_sort'),
        ),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(fields=['year', 'sort_title', 'id'], name='publication_oldest_sort'),
        ),
        migrations.RunPython(use_c_collation, use_default_collation),
    ]
