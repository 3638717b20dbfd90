import datetime

from django.db import migrations

# Nationwide public holidays of the Lao PDR; administrators add the rest (substitute days, local festivals).
HOLIDAYS = [
    ((1, 1), "ວັນປີໃໝ່ສາກົນ", "International New Year"),
    ((3, 8), "ວັນແມ່ຍິງສາກົນ", "International Women's Day"),
    ((4, 14), "ບຸນປີໃໝ່ລາວ", "Lao New Year"),
    ((4, 15), "ບຸນປີໃໝ່ລາວ", "Lao New Year"),
    ((4, 16), "ບຸນປີໃໝ່ລາວ", "Lao New Year"),
    ((5, 1), "ວັນກຳມະກອນສາກົນ", "International Labour Day"),
    ((12, 2), "ວັນຊາດ", "National Day"),
]


def forwards(apps, schema_editor):
    PublicHoliday = apps.get_model("workflows", "PublicHoliday")
    for year in (2026, 2027):
        for (month, day), name_lo, name_en in HOLIDAYS:
            PublicHoliday.objects.get_or_create(
                date=datetime.date(year, month, day), defaults={"name_lo": name_lo, "name_en": name_en}
            )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
