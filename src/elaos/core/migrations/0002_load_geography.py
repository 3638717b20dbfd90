from django.db import migrations

from elaos.core.geography import load_geography


def forwards(apps, schema_editor):
    load_geography(apps.get_model("core", "Province"), apps.get_model("core", "District"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
