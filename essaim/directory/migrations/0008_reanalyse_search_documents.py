"""Search documents analysed again: "théâtre", "scène" now meet "spectacle", "louer" meets "location",
"jeu" meets "jeux", and plurals in -os their singular ("vélos", "vidéos"). Only the structures holding a
changed word are rewritten (`search.reanalyse`)."""

from django.db import migrations


def reanalyse(apps, schema_editor):
    from essaim.directory.search.reanalyse import reanalyse_documents

    reanalyse_documents()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_searchword"),
    ]

    operations = [migrations.RunPython(reanalyse, migrations.RunPython.noop)]
