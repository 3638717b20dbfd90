"""Reference data every installation has: the COFOG divisions and a few groups, the GFS-style economic classes and
the information types agencies publish. ``reference_data_ensure()`` is idempotent (used by the data migration, the
demo, the generator and tests)."""

# (code, parent code or "", name_lo, name_en)
COFOG = [
    ("01", "", "ການບໍລິການສາທາລະນະທົ່ວໄປ", "General public services"),
    ("01.1", "01", "ອົງການບໍລິຫານ ແລະ ນິຕິບັນຍັດ", "Executive and legislative organs"),
    ("01.7", "01", "ໜີ້ສິນສາທາລະນະ", "Public debt transactions"),
    ("02", "", "ປ້ອງກັນຊາດ", "Defence"),
    ("03", "", "ຄວາມສະຫງົບ ແລະ ຄວາມປອດໄພສາທາລະນະ", "Public order and safety"),
    ("03.1", "03", "ການບໍລິການຕຳຫຼວດ", "Police services"),
    ("04", "", "ເສດຖະກິດ", "Economic affairs"),
    ("04.2", "04", "ກະສິກຳ ແລະ ປ່າໄມ້", "Agriculture, forestry, fishing and hunting"),
    ("04.5", "04", "ຄົມມະນາຄົມ ແລະ ຂົນສົ່ງ", "Transport"),
    ("05", "", "ປົກປັກຮັກສາສິ່ງແວດລ້ອມ", "Environmental protection"),
    ("06", "", "ທີ່ຢູ່ອາໄສ ແລະ ສິ່ງອຳນວຍຄວາມສະດວກຊຸມຊົນ", "Housing and community amenities"),
    ("06.3", "06", "ການສະໜອງນ້ຳ", "Water supply"),
    ("07", "", "ສາທາລະນະສຸກ", "Health"),
    ("07.1", "07", "ຢາ ແລະ ອຸປະກອນການແພດ", "Medical products, appliances and equipment"),
    ("07.3", "07", "ການບໍລິການໂຮງໝໍ", "Hospital services"),
    ("07.4", "07", "ສາທາລະນະສຸກຊຸມຊົນ", "Public health services"),
    ("08", "", "ພັກຜ່ອນ, ວັດທະນະທຳ ແລະ ສາສະໜາ", "Recreation, culture and religion"),
    ("09", "", "ການສຶກສາ", "Education"),
    ("09.1", "09", "ການສຶກສາອະນຸບານ ແລະ ປະຖົມ", "Pre-primary and primary education"),
    ("09.2", "09", "ການສຶກສາມັດທະຍົມ", "Secondary education"),
    ("09.4", "09", "ການສຶກສາຊັ້ນສູງ", "Tertiary education"),
    ("10", "", "ການປົກປ້ອງສັງຄົມ", "Social protection"),
]

GFS = [
    ("21", "", "ເງິນເດືອນ ແລະ ຄ່າຕອບແທນພະນັກງານ", "Compensation of employees"),
    ("22", "", "ການຊື້ສິນຄ້າ ແລະ ການບໍລິການ", "Use of goods and services"),
    ("24", "", "ດອກເບ້ຍ", "Interest"),
    ("25", "", "ເງິນອຸດໜູນ", "Subsidies"),
    ("26", "", "ເງິນຊ່ວຍເຫຼືອລ້າ", "Grants"),
    ("27", "", "ສະຫວັດດີການສັງຄົມ", "Social benefits"),
    ("28", "", "ລາຍຈ່າຍອື່ນໆ", "Other expense"),
    ("31", "", "ການລົງທຶນຊັບສິນຄົງທີ່", "Net acquisition of non-financial assets"),
]

# code: (name_lo, name_en, period, deadline_days, deadline_from, weight, schema, order)
INFORMATION_TYPES = {
    "budget_lines": (
        "ງົບປະມານທີ່ໄດ້ຮັບອະນຸມັດ",
        "Approved budget",
        "annual",
        30,
        "start",
        3,
        "budget_lines",
        1,
    ),
    "monthly_execution": (
        "ການປະຕິບັດງົບປະມານປະຈຳເດືອນ",
        "Monthly budget execution",
        "monthly",
        15,
        "end",
        2,
        "monthly_execution",
        2,
    ),
    "transactions": (
        "ລາຍການຈ່າຍເງິນ",
        "Transactions above the threshold",
        "monthly",
        15,
        "end",
        3,
        "transactions",
        3,
    ),
    "procurement_plan": (
        "ແຜນການຈັດຊື້ຈັດຈ້າງ",
        "Procurement plan",
        "annual",
        30,
        "start",
        1,
        "procurement_plan",
        4,
    ),
    "contracts": (
        "ສັນຍາ ແລະ ການປະມູນ",
        "Tenders, awards and contracts",
        "monthly",
        15,
        "end",
        2,
        "contracts",
        5,
    ),
}


def reference_data_ensure(apps=None) -> None:  # type: ignore[no-untyped-def]
    """Create the classifications and information types that are missing; never changes existing rows."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    for model_name, rows in (("FunctionClass", COFOG), ("EconomicClass", GFS)):
        model = apps.get_model("budget", model_name)
        known = {c.code: c for c in model.objects.all()}
        for code, parent, name_lo, name_en in rows:
            if code in known:
                continue
            known[code] = model.objects.create(
                code=code,
                parent=known.get(parent) if parent else None,
                level=code.count(".") + 1,
                name_lo=name_lo,
                name_en=name_en,
            )
    info = apps.get_model("budget", "InformationType")
    for code, (name_lo, name_en, period, days, frm, weight, schema, order) in INFORMATION_TYPES.items():
        info.objects.get_or_create(
            code=code,
            defaults={
                "name_lo": name_lo,
                "name_en": name_en,
                "period": period,
                "deadline_days": days,
                "deadline_from": frm,
                "weight": weight,
                "schema": schema,
                "order": order,
            },
        )
