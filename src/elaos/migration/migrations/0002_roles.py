from django.db import migrations

ROLES = [
    (
        "migration_officer",
        "ພະນັກງານຄຸ້ມຄອງແຮງງານເຄື່ອນຍ້າຍ",
        "Migration officer",
        "ລົງທະບຽນແຮງງານ, ຮັບຄຳຮ້ອງທຸກ ແລະ ຊ່ວຍເຫຼືອແຮງງານທີ່ກັບຄືນ",
        "Registers migrant workers, handles complaints and helps returnees",
    ),
    (
        "migration_supervisor",
        "ຫົວໜ້າວຽກແຮງງານເຄື່ອນຍ້າຍ",
        "Migration supervisor",
        "ຕິດຕາມວຽກຂອງພະນັກງານ ແລະ ການສົ່ງຕໍ່ທີ່ເກີນກຳນົດ",
        "Oversees migration officers and overdue referrals",
    ),
    (
        "labour_inspector",
        "ພະນັກງານກວດກາແຮງງານ",
        "Labour inspector",
        "ກວດກາຄຳຮ້ອງທຸກທີ່ຖືກສົ່ງມາ",
        "Investigates complaints referred to labour inspection",
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
    dependencies = [("migration", "0001_initial"), ("agencies", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
