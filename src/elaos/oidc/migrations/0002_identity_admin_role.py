from django.db import migrations


def forwards(apps, schema_editor):
    Role = apps.get_model("agencies", "Role")
    Role.objects.get_or_create(
        code="identity_admin",
        defaults={
            "name_lo": "ຜູ້ບໍລິຫານການເຂົ້າສູ່ລະບົບ",
            "name_en": "Identity administrator",
            "description_lo": "ລົງທະບຽນລະບົບຂອງອົງການທີ່ເຂົ້າສູ່ລະບົບດ້ວຍ e-Laos",
            "description_en": "Registers agency systems that sign people in with e-Laos",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("oidc", "0001_initial"), ("agencies", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
