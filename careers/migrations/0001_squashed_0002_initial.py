"""Careers' pages in one step: stories link ``home.Person`` and ``home.Team``.

Replaces 0001 and 0002 of the migrations before people moved to ``home``
(0002 only broke a loop with research 0001). A fresh database takes this path;
a database that ran those two skips it, and ``home`` 0002 moves careers'
people tables under home.
"""

import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [('careers', '0001_initial'), ('careers', '0002_initial')]

    dependencies = [
        ('home', '0001_initial_squashed_people'),
        ('research', '0001_squashed_0005_publication_doi_arxiv_id'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailimages', '0027_image_description'),
    ]

    operations = [
        migrations.CreateModel(
            name='CareersPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('heading', models.CharField(help_text='The large heading at the top.', max_length=255)),
                ('intro', models.TextField(help_text='The paragraph under the heading.')),
                ('cta_label', models.CharField(default='See open roles', help_text='The button text.', max_length=50, verbose_name='call to action label')),
                ('cta_url', models.URLField(help_text='Where the button goes, e.g. the jobs board.', max_length=500, verbose_name='call to action link')),
            ],
            options={
                'verbose_name': 'careers page',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='StoryIndexPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('intro', models.TextField(blank=True, help_text='The sentence under the heading.')),
            ],
            options={
                'verbose_name': 'story index page',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='StoryPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('person_name', models.CharField(blank=True, help_text="The person's name, if they have no profile (or to show it differently).", max_length=255, verbose_name='name')),
                ('role', models.CharField(blank=True, help_text='Their job title, e.g. “Software Engineer”.', max_length=255)),
                ('summary', models.TextField(help_text='One or two sentences shown in the list of stories.')),
                ('body', wagtail.fields.StreamField([('heading', 0), ('paragraph', 1), ('image', 5), ('quote', 8), ('embed', 9)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'form_classname': 'title', 'help_text': 'A section heading.', 'icon': 'title'}), 1: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ol', 'ul'], 'help_text': 'A paragraph of text.'}), 2: ('wagtail.images.blocks.ImageChooserBlock', (), {'help_text': 'A photo or figure for the story.'}), 3: ('wagtail.blocks.CharBlock', (), {'help_text': 'Shown under the image (optional).', 'required': False}), 4: ('wagtail.blocks.CharBlock', (), {'help_text': "Describe the image for readers who cannot see it. Leave empty to use the image's own description.", 'required': False}), 5: ('wagtail.blocks.StructBlock', [[('image', 2), ('caption', 3), ('alt_text', 4)]], {}), 6: ('wagtail.blocks.TextBlock', (), {'help_text': 'The words being quoted, without quotation marks.'}), 7: ('wagtail.blocks.CharBlock', (), {'help_text': 'Who said it (optional).', 'required': False}), 8: ('wagtail.blocks.StructBlock', [[('quote', 6), ('attribution', 7)]], {}), 9: ('wagtail.embeds.blocks.EmbedBlock', (), {'help_text': 'Paste a link to a video or post (YouTube, Vimeo, …).'})}, help_text='The story: headings, paragraphs, images, quotes and embedded videos.')),
                ('date', models.DateField(default=django.utils.timezone.localdate, help_text='The date shown on the story.', verbose_name='story date')),
                ('person', models.ForeignKey(blank=True, help_text='The person the story is about, if they have a profile.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='stories', to='home.person')),
                ('portrait', models.ForeignKey(blank=True, help_text='A portrait shown with the story. Set its focal point on the face.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                ('team', models.ForeignKey(blank=True, help_text='The team they work in (optional).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='stories', to='home.team')),
            ],
            options={
                'verbose_name': 'employee story',
                'verbose_name_plural': 'employee stories',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='StoryRelatedPublication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='related_publications', to='careers.storypage')),
                ('publication', models.ForeignKey(help_text='Choose a publication.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='research.publication')),
            ],
            options={
                'verbose_name': 'related publication',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
    ]
