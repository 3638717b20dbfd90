"""Demo coordination: the health sector group around the Ministry of Health, last year's annual Government–CSO
meeting with its minutes and commitments, and this year's, open for registration.

Loading again adds nothing: the group is looked up by its sector and each meeting by its year first. Dates are
relative to today so that the demo keeps an overdue item and an upcoming meeting."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa
from elaos.coordination import services
from elaos.coordination.models import AnnualMeeting, SectorGroup, WorkPlanItem

# The demo superuser of elaos.demo.data acts for the convener and the focal office.
DEMO_ACTOR_EMAIL = "admin@demo.e-laos.la"

HEALTH_NPAS = ["NPA-2018-0001", "NPA-2020-0003", "NPA-2023-0003", "NPA-2019-0003", "NPA-2020-0001"]

GROUP_MEETINGS = [
    (
        -200,
        "ຫ້ອງປະຊຸມ ກະຊວງສາທາລະນະສຸກ, ນະຄອນຫຼວງວຽງຈັນ",
        "1. ແນະນຳສະມາຊິກ\n2. ແຜນວຽກຮ່ວມປີນີ້\n3. ການລາຍງານກິດຈະກຳ",
        "1. Introductions\n2. This year's joint work plan\n3. Activity reporting",
        "ທີ່ປະຊຸມໄດ້ຕົກລົງແຜນວຽກຮ່ວມ 5 ຂໍ້ ແລະ ແຕ່ງຕັ້ງຜູ້ຮັບຜິດຊອບແຕ່ລະຂໍ້.",
        "The meeting agreed a five-item joint work plan and named an owner for each item.",
    ),
    (
        -40,
        "ສູນຝຶກອົບຮົມ ສາທາລະນະສຸກ, ແຂວງສະຫວັນນະເຂດ",
        "1. ຄວາມຄືບໜ້າຂອງແຜນວຽກ\n2. ການສັກຢາກັນພະຍາດໃນເຂດຊົນນະບົດ",
        "1. Work plan progress\n2. Rural vaccination outreach",
        "ສອງຂໍ້ສຳເລັດແລ້ວ; ການສຳຫຼວດຮ້ານຂາຍຢາຊັກຊ້າ ຍ້ອນຂາດທຶນ. ກະຊວງຈະຊອກຫາທຶນເພີ່ມ.",
        "Two items are done; the pharmacy survey is late for lack of funds. The ministry will look for funding.",
    ),
]

# (Lao, English, owner name, NPA number or office code, due in days from today, status)
WORK_PLAN = [
    (
        "ຄູ່ມືສຸຂະພາບແມ່ ແລະ ເດັກ ສະບັບພາສາຊົນເຜົ່າ",
        "Mother and child health handbook in ethnic languages",
        "NPA-2018-0001",
        -90,
        "done",
    ),
    ("ສຳຫຼວດຮ້ານຂາຍຢາ ໃນ 3 ແຂວງ", "Survey of pharmacies in 3 provinces", "NPA-2020-0003", -20, "in_progress"),
    ("ແຜນຮ່ວມການສັກຢາກັນພະຍາດ", "Joint vaccination outreach plan", "moh", 45, "open"),
    ("ຝຶກອົບຮົມອາສາສະໝັກສາທາລະນະສຸກບ້ານ", "Training of village health volunteers", "NPA-2023-0003", 120, "open"),
    ("ວາລະສານຂ່າວສານສຸຂະພາບ", "Health information newsletter", "NPA-2019-0003", 30, "dropped"),
]

LAST_YEAR_AGENDA = [
    (datetime.time(8, 30), "ລົງທະບຽນ", "Registration", ""),
    (datetime.time(9, 0), "ກ່າວເປີດກອງປະຊຸມ", "Opening remarks", "ລັດຖະມົນຕີ ກະຊວງພາຍໃນ"),
    (datetime.time(9, 30), "ລາຍງານຂອງກຸ່ມຂະແໜງການ", "Reports of the sector groups", "ຜູ້ປະສານງານກຸ່ມ"),
    (datetime.time(11, 0), "ການປັບປຸງດຳລັດວ່າດ້ວຍສະມາຄົມ", "Amending the Decree on Associations", "ກົມຄຸ້ມຄອງສະມາຄົມ"),
    (datetime.time(14, 0), "ຕົກລົງຂໍ້ຜູກພັນ", "Agreeing commitments", ""),
]

THIS_YEAR_AGENDA = [
    (datetime.time(8, 30), "ລົງທະບຽນ", "Registration", ""),
    (datetime.time(9, 0), "ທົບທວນຂໍ້ຜູກພັນປີກາຍ", "Review of last year's commitments", "ກະຊວງພາຍໃນ"),
    (datetime.time(10, 30), "ການຍື່ນຄຳຮ້ອງສະມາຄົມທາງອອນລາຍ", "Applying for associations online", "e-Laos"),
]

# (Lao, English, owner name, office code or NPA number, due (month, day) of this year, [(status, Lao note, English)])
COMMITMENTS = [
    (
        "ເປີດໃຫ້ຍື່ນຄຳຮ້ອງສ້າງຕັ້ງສະມາຄົມທາງອອນລາຍ",
        "Open online applications for new associations",
        "moha",
        (3, 31),
        [("in_progress", "ເລີ່ມທົດລອງ", "Pilot started"), ("done", "ເປີດໃຊ້ໃນ e-Laos ແລ້ວ", "Live on e-Laos")],
    ),
    (
        "ເຜີຍແຜ່ທະບຽນສະມາຄົມຕໍ່ສາທາລະນະ",
        "Publish the register of associations",
        "moha",
        (6, 30),
        [("done", "ທະບຽນເປີດເຜີຍແລ້ວ", "The register is public")],
    ),
    (
        "ແບບຟອມລາຍງານປະຈຳປີແບບງ່າຍ ສຳລັບສະມາຄົມນ້ອຍ",
        "A short annual report form for small associations",
        "moha",
        (9, 30),
        [("in_progress", "ຮ່າງແບບຟອມແລ້ວ", "Form drafted")],
    ),
    (
        "ຕັ້ງກຸ່ມຂະແໜງການສຶກສາ",
        "Set up an education sector group",
        "moes",
        (12, 31),
        [],
    ),
    (
        "ແບ່ງປັນຂໍ້ມູນໂຄງການສຸຂະພາບ ກັບກະຊວງ",
        "Share health project data with the ministry",
        "NPA-2018-0001",
        (5, 31),
        [("in_progress", "ສົ່ງຂໍ້ມູນ 2 ແຂວງແລ້ວ", "Data for 2 provinces sent")],
    ),
    (
        "ກຳນົດເວລາພິຈາລະນາຄຳຮ້ອງ ບໍ່ເກີນ 60 ວັນ",
        "Decide applications within 60 days",
        "moha",
        (11, 30),
        [],
    ),
]


def _owner(code: str) -> dict:
    if code.startswith("NPA-"):
        npa = Npa.objects.get(registration_number=code)
        return {"owner_name": npa.name_lo, "owner_npa": npa}
    office = Organisation.objects.get(code=code)
    return {"owner_name": office.name_lo, "owner_organisation": office}


def _last_year_meeting(actor: object, year: int) -> None:
    meeting = services.annual_meeting_create(
        actor=actor,
        year=year,
        date=datetime.date(year, 12, 10),
        place="ສູນປະຊຸມແຫ່ງຊາດ, ນະຄອນຫຼວງວຽງຈັນ",
        title_lo="ກອງປະຊຸມປະຈຳປີ ລະຫວ່າງລັດຖະບານ ແລະ ອົງການຈັດຕັ້ງທາງສັງຄົມ",
        title_en="Annual Government–civil society meeting",
        description_lo="ກອງປະຊຸມປະຈຳປີ ເພື່ອທົບທວນການຮ່ວມມື ແລະ ຕົກລົງຂໍ້ຜູກພັນ.",
        description_en="The yearly meeting to review cooperation and agree commitments.",
    )
    for time, title_lo, title_en, speaker in LAST_YEAR_AGENDA:
        services.agenda_item_add(
            actor=actor, meeting=meeting, time=time, title_lo=title_lo, title_en=title_en, speaker=speaker
        )
    services.annual_meeting_minutes_publish(
        actor=actor,
        meeting=meeting,
        minutes_lo="ຜູ້ເຂົ້າຮ່ວມ 120 ທ່ານ ຈາກ 45 ສະມາຄົມ ແລະ 12 ກະຊວງ. ທີ່ປະຊຸມໄດ້ຕົກລົງ 6 ຂໍ້ຜູກພັນ.",
        minutes_en="120 participants from 45 associations and 12 ministries. The meeting agreed six commitments.",
    )
    for title_lo, title_en, owner, (month, day), progress in COMMITMENTS:
        commitment = services.commitment_add(
            actor=actor,
            meeting=meeting,
            title_lo=title_lo,
            title_en=title_en,
            due_date=datetime.date(year + 1, month, day),
            **_owner(owner),
        )
        for step, (status, note_lo, note_en) in enumerate(progress):
            services.commitment_progress(
                actor=actor,
                commitment=commitment,
                status=status,
                note_lo=note_lo,
                note_en=note_en,
                on=min(datetime.date(year + 1, 1 + 2 * step + len(progress), 15), timezone.localdate()),
            )


def _this_year_meeting(actor: object, year: int, today: datetime.date) -> None:
    # Upcoming, so that registration is open; late in December the meeting moves to the year's last day.
    date = datetime.date(year, 12, 18)
    if date <= today + datetime.timedelta(days=7):
        date = datetime.date(year, 12, 31)
    meeting = services.annual_meeting_create(
        actor=actor,
        year=year,
        date=date,
        place="ສູນປະຊຸມແຫ່ງຊາດ, ນະຄອນຫຼວງວຽງຈັນ",
        title_lo="ກອງປະຊຸມປະຈຳປີ ລະຫວ່າງລັດຖະບານ ແລະ ອົງການຈັດຕັ້ງທາງສັງຄົມ",
        title_en="Annual Government–civil society meeting",
        description_lo="ລົງທະບຽນເຂົ້າຮ່ວມໄດ້ ຈົນຮອດມື້ກ່ອນກອງປະຊຸມ.",
        description_en="Registration is open until the day before the meeting.",
    )
    for time, title_lo, title_en, speaker in THIS_YEAR_AGENDA:
        services.agenda_item_add(
            actor=actor, meeting=meeting, time=time, title_lo=title_lo, title_en=title_en, speaker=speaker
        )


def _health_group(actor: object, today: datetime.date) -> None:
    sector = Sector.objects.get(code="health")
    group = services.sector_group_create(
        actor=actor,
        sector=sector,
        focal_office=Organisation.objects.get(code="moh"),
        name_lo="ກຸ່ມປະສານງານ ຂະແໜງສາທາລະນະສຸກ",
        name_en="Health sector coordination group",
        description_lo="ສະມາຄົມທີ່ເຮັດວຽກດ້ານສຸຂະພາບ ພົບປະກັບກະຊວງສາທາລະນະສຸກ ເພື່ອວາງແຜນວຽກຮ່ວມກັນ.",
        description_en="Associations working in health meet the Ministry of Health to plan their work together.",
    )
    for number in HEALTH_NPAS:
        npa = Npa.objects.filter(registration_number=number, status=Npa.Status.ACTIVE).first()
        if npa is not None:
            services.group_member_add(actor=actor, group=group, npa=npa, joined_on=today - datetime.timedelta(days=300))
    for days, place, agenda_lo, agenda_en, minutes_lo, minutes_en in GROUP_MEETINGS:
        services.group_meeting_add(
            actor=actor,
            group=group,
            date=today + datetime.timedelta(days=days),
            place=place,
            agenda_lo=agenda_lo,
            agenda_en=agenda_en,
            minutes_lo=minutes_lo,
            minutes_en=minutes_en,
        )
    for title_lo, title_en, owner, due_in, status in WORK_PLAN:
        item = services.work_plan_item_add(
            actor=actor,
            group=group,
            title_lo=title_lo,
            title_en=title_en,
            due_date=today + datetime.timedelta(days=due_in),
            **_owner(owner),
        )
        if status != WorkPlanItem.Status.OPEN:
            services.work_plan_item_update(actor=actor, item=item, status=status)


@transaction.atomic
def load_coordination_demo() -> dict[str, int]:
    actor = get_user_model().objects.filter(email=DEMO_ACTOR_EMAIL, is_superuser=True).first()
    created = {"groups": 0, "annual_meetings": 0}
    if actor is None or not Npa.objects.exists():
        return created
    today = timezone.localdate()
    if not SectorGroup.objects.filter(sector__code="health").exists():
        _health_group(actor, today)
        created["groups"] += 1
    if not AnnualMeeting.objects.filter(year=today.year - 1).exists():
        _last_year_meeting(actor, today.year - 1)
        created["annual_meetings"] += 1
    if not AnnualMeeting.objects.filter(year=today.year).exists():
        _this_year_meeting(actor, today.year, today)
        created["annual_meetings"] += 1
    return created
