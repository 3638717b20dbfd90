from django.db import migrations

ROLES = [
    ("office_admin", "ຜູ້ບໍລິຫານຫ້ອງການ", "Office administrator", "ມອບໝາຍບົດບາດໃຫ້ພະນັກງານໃນຫ້ອງການນີ້", "Assigns roles to staff in this office"),
    ("reviewer", "ຜູ້ກວດກາຄຳຮ້ອງ", "Reviewer", "ກວດກາຄຳຮ້ອງ ແລະ ເອກະສານ", "Checks applications and documents"),
    ("approver", "ຜູ້ອະນຸມັດ", "Approver", "ອະນຸມັດ ຫຼື ປະຕິເສດຄຳຮ້ອງ", "Approves or refuses applications"),
    ("auditor", "ຜູ້ກວດສອບ", "Auditor", "ອ່ານບັນທຶກການກວດສອບ", "Reads the audit log"),
    ("case_worker", "ພະນັກງານຄຸ້ມຄອງກໍລະນີ", "Case worker", "ຄຸ້ມຄອງກໍລະນີປົກປ້ອງ", "Manages protection cases"),
    ("finance_officer", "ພະນັກງານການເງິນ", "Finance officer", "ເຜີຍແຜ່ງົບປະມານ ແລະ ລາຍຈ່າຍ", "Publishes budget and spending"),
]


def forwards(apps, schema_editor):
    Role = apps.get_model("agencies", "Role")
    for code, name_lo, name_en, desc_lo, desc_en in ROLES:
        Role.objects.get_or_create(
            code=code,
            defaults={"name_lo": name_lo, "name_en": name_en, "description_lo": desc_lo, "description_en": desc_en},
        )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
