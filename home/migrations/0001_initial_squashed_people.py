"""The home page and the people directory (organizations, teams, people).

Replaces home 0001 of the migrations before people moved here from careers.
A fresh database creates every table here. A database that ran the old 0001 has
it recorded and skips this one: its people tables are still careers', and 0002
moves them in.
"""

import django.db.models.deletion
import modelsearch.index
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [('home', '0001_initial')]

    dependencies = [
        ('wagtailcore', '0098_apitoken'),
        ('wagtailimages', '0027_image_description'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Organization',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('name', models.CharField(help_text='E.g. “Databricks”.', max_length=100, unique=True)),
                ('slug', models.SlugField(error_messages={'unique': 'Another organization already uses this slug. Choose a different one.'}, help_text='Used in web addresses and filters.', max_length=100, unique=True)),
                ('heading', models.CharField(help_text="The heading above this organization's teams, e.g. “Explore Databricks teams”.", max_length=255)),
            ],
            options={
                'verbose_name': 'organization',
                'ordering': ['sort_order'],
                'abstract': False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='HomePage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('tagline', models.CharField(blank=True, help_text='A short line under the title.', max_length=255)),
                ('intro_heading', models.CharField(blank=True, help_text='The heading of the intro section.', max_length=255)),
                ('intro', models.TextField(blank=True, help_text='The intro paragraph.')),
                ('cta_label', models.CharField(blank=True, help_text='The button text, e.g. “See open roles”.', max_length=50, verbose_name='call to action label')),
                ('cta_page', models.ForeignKey(blank=True, help_text='The page the button opens.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.WAGTAIL_PAGE_MODEL, verbose_name='call to action page')),
            ],
            options={
                'verbose_name': 'home page',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('name', models.CharField(help_text='E.g. “Photon Team”.', max_length=100)),
                ('slug', models.SlugField(error_messages={'unique': 'Another team already uses this slug. Choose a different one.'}, help_text='Used in web addresses and filters.', max_length=100, unique=True)),
                ('description', models.TextField(help_text='What the team builds, in two or three sentences.')),
                ('organization', models.ForeignKey(help_text='The organization the team belongs to.', on_delete=django.db.models.deletion.PROTECT, related_name='teams', to='home.organization')),
            ],
            options={
                'verbose_name': 'team',
                'ordering': ['sort_order'],
                'abstract': False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='Full name as it should appear.', max_length=255)),
                ('slug', models.SlugField(error_messages={'unique': 'Another person already uses this slug. Choose a different one.'}, help_text='Used in web addresses.', max_length=255, unique=True)),
                ('role', models.CharField(blank=True, help_text='Job title, e.g. “Software Engineer”.', max_length=255)),
                ('bio', models.TextField(blank=True, help_text='A short biography (optional).')),
                ('photo', models.ForeignKey(blank=True, help_text='A portrait photo (optional).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                ('team', models.ForeignKey(blank=True, help_text='The team this person works in (optional).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='members', to='home.team')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'people',
                'ordering': ['name'],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
    ]
