from django.db import migrations

ROLES = [
    ("case_worker", "ພະນັກງານຄຸ້ມຄອງກໍລະນີ", "Case worker", "ຄຸ້ມຄອງກໍລະນີປົກປ້ອງ", "Manages protection cases"),
    (
        "case_supervisor",
        "ຫົວໜ້າຄຸ້ມຄອງກໍລະນີ",
        "Case supervisor",
        "ເບິ່ງແຍງກໍລະນີປົກປ້ອງທັງໝົດຂອງຫ້ອງການ, ມອບໝາຍ ແລະ ກວດກາການເຂົ້າເຖິງສຸກເສີນ",
        "Oversees the protection cases of the office, assigns them and reviews emergency access",
    ),
]


def forwards(apps, schema_editor):
    Role = apps.get_model("agencies", "Role")
    for code, name_lo, name_en, desc_lo, desc_en in ROLES:
        Role.objects.get_or_create(
            code=code,
            defaults={"name_lo": name_lo, "name_en": name_en, "description_lo": desc_lo, "description_en": desc_en},
        )


class Migration(migrations.Migration):
    dependencies = [("protection", "0001_initial"), ("agencies", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
