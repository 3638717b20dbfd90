from django.db import migrations

# (code, Lao name, English name); the order of the list is the display order, in steps of 10 so that an
# administrator can slot a new one in between.
CATEGORIES = [
    ("identity", "ເອກະສານປະຈຳຕົວ ແລະ ທະບຽນພົນລະເມືອງ", "Identity and civil status"),
    ("family", "ຄອບຄົວ", "Family"),
    ("business", "ທຸລະກິດ ແລະ ວິສາຫະກິດ", "Business"),
    ("work", "ແຮງງານ ແລະ ການຈ້າງງານ", "Work and employment"),
    ("migration", "ການເດີນທາງ ແລະ ການເຄື່ອນຍ້າຍແຮງງານ", "Travel and migration"),
    ("justice", "ຍຸຕິທຳ", "Justice"),
    ("civil-society", "ສະມາຄົມ ແລະ ມູນນິທິ", "Civil society"),
    ("education", "ການສຶກສາ", "Education"),
    ("health", "ສຸຂະພາບ", "Health"),
    ("land-housing", "ທີ່ດິນ ແລະ ທີ່ຢູ່ອາໄສ", "Land and housing"),
]

LIFE_EVENTS = [
    ("birth-of-child", "ມີລູກເກີດໃໝ່", "Birth of a child"),
    ("marriage", "ການແຕ່ງງານ", "Getting married"),
    ("moving-house", "ການຍ້າຍທີ່ຢູ່", "Moving house"),
    ("starting-business", "ການເລີ່ມຕົ້ນທຸລະກິດ", "Starting a business"),
    ("working-abroad", "ການໄປເຮັດວຽກຢູ່ຕ່າງປະເທດ", "Working abroad"),
    ("hiring-foreign-worker", "ການຈ້າງແຮງງານຕ່າງປະເທດ", "Hiring a foreign worker"),
    ("founding-association", "ການສ້າງຕັ້ງສະມາຄົມ", "Founding an association"),
    ("travelling-abroad", "ການເດີນທາງໄປຕ່າງປະເທດ", "Travelling abroad"),
    ("applying-for-job", "ການສະໝັກວຽກ", "Applying for a job"),
]


def forwards(apps, schema_editor):
    for model_name, rows in (("Category", CATEGORIES), ("LifeEvent", LIFE_EVENTS)):
        model = apps.get_model("services", model_name)
        for order, (code, name_lo, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code, defaults={"name_lo": name_lo, "name_en": name_en, "order": order * 10}
            )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
