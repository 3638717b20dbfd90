"""Demo consultations by the Ministry of Home Affairs: one open for comments, one closed with the ministry's
responses and a second version whose changes are linked to the comments that led to them.

Loading again adds nothing: each draft is looked up by its slug first."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from elaos.agencies.models import Organisation
from elaos.consultation import services
from elaos.consultation.models import Comment, Draft
from elaos.consultation.services import ArticleData
from elaos.core.audit import audit_record

OPEN_SLUG = "decree-associations-amendment"
CLOSED_SLUG = "decree-residence-certificates"

# Citizens beyond those of elaos.demo.data: (phone, Lao given, Lao family, Latin given, Latin family)
MORE_CITIZENS = [
    ("+8562055550104", "ບົວພັນ", "ສີສະຫວາດ", "Bouaphan", "Sisavath"),
    ("+8562055550105", "ຄຳປອນ", "ວົງພະຈັນ", "Khamphone", "Vongphachanh"),
]

ASSOCIATIONS_ARTICLES = [
    ArticleData(
        1,
        "ຈຸດປະສົງ",
        "ດຳລັດສະບັບນີ້ ກຳນົດຫຼັກການ, ລະບຽບການ ແລະ ມາດຕະການ ກ່ຽວກັບການສ້າງຕັ້ງ, ການເຄື່ອນໄຫວ ແລະ ການຄຸ້ມຄອງ"
        "ສະມາຄົມ ເພື່ອຮັບປະກັນສິດ ແລະ ເສລີພາບຂອງພົນລະເມືອງ.",
        "Purpose",
        "This decree sets the principles, rules and measures for the establishment, activities and management of "
        "associations, to guarantee the rights and freedoms of citizens.",
    ),
    ArticleData(
        2,
        "ການຍື່ນຄຳຮ້ອງ",
        "ຜູ້ລິເລີ່ມສ້າງຕັ້ງສະມາຄົມ ສາມາດຍື່ນຄຳຮ້ອງຜ່ານລະບົບອອນລາຍ ຫຼື ທີ່ພະແນກພາຍໃນ ຂັ້ນແຂວງ.",
        "Application",
        "The founders of an association may apply online or at the provincial department of home affairs.",
    ),
    ArticleData(
        3,
        "ໄລຍະເວລາພິຈາລະນາ",
        "ເຈົ້າໜ້າທີ່ ຕ້ອງພິຈາລະນາຄຳຮ້ອງ ພາຍໃນ 60 ວັນ ນັບແຕ່ວັນໄດ້ຮັບເອກະສານຄົບຖ້ວນ.",
        "Time limit for a decision",
        "The authority decides on an application within 60 days of receiving a complete file.",
    ),
    ArticleData(
        4,
        "ການລາຍງານ",
        "ສະມາຄົມ ຕ້ອງລາຍງານການເຄື່ອນໄຫວ ແລະ ການເງິນປະຈຳປີ ຕໍ່ອົງການຄຸ້ມຄອງ.",
        "Reporting",
        "Associations report their activities and finances every year to the supervising authority.",
    ),
    ArticleData(
        5,
        "ການຮັບທຶນຊ່ວຍເຫຼືອ",
        "ສະມາຄົມ ສາມາດຮັບທຶນຊ່ວຍເຫຼືອຈາກພາຍໃນ ແລະ ຕ່າງປະເທດ ໂດຍແຈ້ງໃຫ້ອົງການຄຸ້ມຄອງຊາບ.",
        "Grants",
        "Associations may receive domestic and foreign grants after notifying the supervising authority.",
    ),
]

# (citizen index, article number or None, stance, text, show name, association)
ASSOCIATIONS_COMMENTS = [
    (0, 2, "support", "ເຫັນດີທີ່ໃຫ້ຍື່ນຄຳຮ້ອງທາງອອນລາຍໄດ້ ຈະຊ່ວຍປະຢັດເວລາ ແລະ ຄ່າເດີນທາງ.", True, ""),
    (1, 3, "oppose", "60 ວັນ ແມ່ນດົນເກີນໄປ, ຄວນຫຼຸດລົງເປັນ 30 ວັນ.", True, "ສະມາຄົມພັດທະນາຊຸມຊົນ"),
    (2, 3, "oppose", "ຄວນກຳນົດວ່າ ຖ້າເກີນກຳນົດແລ້ວຍັງບໍ່ມີຄຳຕອບ ໃຫ້ຖືວ່າອະນຸມັດ.", True, ""),
    (3, 4, "neutral", "ຂໍໃຫ້ມີແບບຟອມລາຍງານທີ່ງ່າຍ ສຳລັບສະມາຄົມຂະໜາດນ້ອຍ.", True, ""),
    (4, 5, "oppose", "ການແຈ້ງທຸກໆທຶນຊ່ວຍເຫຼືອ ເປັນພາລະຫຼາຍ, ຄວນກຳນົດຈຳນວນເງິນຂັ້ນຕ່ຳ.", True, ""),
    (0, None, "support", "ຂອບໃຈທີ່ເປີດໃຫ້ປະຊາຊົນປະກອບຄຳເຫັນຕໍ່ຮ່າງດຳລັດນີ້.", True, ""),
    (3, None, "neutral", "ຄວນແປຮ່າງດຳລັດເປັນພາສາອັງກິດ ໃຫ້ຄູ່ຮ່ວມພັດທະນາອ່ານໄດ້.", False, ""),
    (4, 1, "neutral", "ໂທຫາຂ້ອຍທີ່ເບີ 020 5555 0000 ເພື່ອຊື້ສິນຄ້າລາຄາຖືກ.", True, ""),
]
HIDDEN_REASON = "ໂຄສະນາສິນຄ້າ ແລະ ມີຂໍ້ມູນສ່ວນຕົວ (advertising and personal data)."

RESIDENCE_ARTICLES = [
    ArticleData(
        1,
        "ຂອບເຂດການນຳໃຊ້",
        "ດຳລັດສະບັບນີ້ ນຳໃຊ້ກັບການອອກໃບຢັ້ງຢືນທີ່ຢູ່ ໃຫ້ພົນລະເມືອງລາວ.",
        "Scope",
        "This decree applies to residence certificates issued to Lao citizens.",
    ),
    ArticleData(2, "ຄ່າທຳນຽມ", "ຄ່າທຳນຽມອອກໃບຢັ້ງຢືນ ແມ່ນ 20.000 ກີບ.", "Fees", "The fee for a certificate is 20,000 kip."),
    ArticleData(
        3,
        "ໄລຍະເວລາ",
        "ນາຍບ້ານ ອອກໃບຢັ້ງຢືນ ພາຍໃນ 10 ວັນລັດຖະການ.",
        "Time limit",
        "The village chief issues the certificate within 10 working days.",
    ),
]
RESIDENCE_COMMENTS = [
    (0, 1, "support", "ເຫັນດີກັບຂອບເຂດຂອງດຳລັດນີ້.", True, ""),
    (1, 2, "oppose", "ຄ່າທຳນຽມສູງເກີນໄປ ສຳລັບຄອບຄົວທີ່ມີລາຍໄດ້ຕ່ຳ.", True, ""),
    (2, 3, "oppose", "10 ວັນ ດົນໂພດ, ຄວນອອກໃຫ້ພາຍໃນ 3 ວັນ.", True, ""),
    (3, None, "neutral", "ຄວນໃຫ້ຍື່ນຂໍໃບຢັ້ງຢືນທາງອອນລາຍໄດ້ນຳ.", False, ""),
]
RESIDENCE_V2 = [
    RESIDENCE_ARTICLES[0],
    ArticleData(2, "ຄ່າທຳນຽມ", "ການອອກໃບຢັ້ງຢືນ ບໍ່ເສຍຄ່າທຳນຽມ.", "Fees", "The certificate is issued free of charge."),
    ArticleData(
        3,
        "ໄລຍະເວລາ",
        "ນາຍບ້ານ ອອກໃບຢັ້ງຢືນ ພາຍໃນ 3 ວັນລັດຖະການ.",
        "Time limit",
        "The village chief issues the certificate within 3 working days.",
    ),
]
# (article number or None, Lao, English, indexes of the comments answered)
RESIDENCE_RESPONSES = [
    (
        2,
        "ທ່ານເວົ້າວ່າ ຄ່າທຳນຽມສູງເກີນໄປ; ພວກເຮົາໄດ້ຍົກເລີກຄ່າທຳນຽມ.",
        "You said the fee was too high for low-income families; we made the certificate free.",
        [1],
    ),
    (
        3,
        "ທ່ານເວົ້າວ່າ 10 ວັນ ດົນໂພດ; ພວກເຮົາໄດ້ຫຼຸດລົງເປັນ 3 ວັນລັດຖະການ.",
        "You said 10 days was too long; we shortened it to 3 working days.",
        [2],
    ),
    (
        None,
        "ທ່ານຂໍໃຫ້ຍື່ນທາງອອນລາຍໄດ້; ໃບຢັ້ງຢືນທີ່ຢູ່ ສາມາດຂໍໄດ້ໃນ e-Laos ແລ້ວ.",
        "You asked to apply online; the residence certificate can now be requested on e-Laos.",
        [3],
    ),
]


def _citizens() -> list:
    User = get_user_model()
    citizens = list(User.objects.filter(phone__in=[f"+856205555010{i}" for i in (1, 2, 3)]).order_by("phone"))
    for phone, given_lo, family_lo, given_latin, family_latin in MORE_CITIZENS:
        user, new = User.objects.get_or_create(
            phone=phone,
            defaults={
                "given_name_lo": given_lo,
                "family_name_lo": family_lo,
                "given_name_latin": given_latin,
                "family_name_latin": family_latin,
            },
        )
        if new:
            user.set_unusable_password()
            user.save()
            audit_record(action="consultation.demo_citizen_create", obj=user)
        citizens.append(user)
    return citizens


def _comments(consultation, articles: dict, citizens: list, rows: list) -> list[Comment]:  # type: ignore[no-untyped-def]
    return [
        services.comment_add(
            actor=citizens[who],
            consultation=consultation,
            article=articles[number] if number else None,
            stance=stance,
            text=text,
            show_name=show_name,
            npa_name=npa_name,
        )
        for who, number, stance, text, show_name, npa_name in rows
    ]


@transaction.atomic
def load_consultation_demo() -> dict[str, int]:
    """Create the demo consultations that do not exist yet; return how many drafts were added."""
    added = {"drafts": 0}
    admin = get_user_model().objects.filter(is_superuser=True, email__endswith="@demo.e-laos.la").first()
    moha = Organisation.objects.filter(code="moha").first()
    if admin is None or moha is None:
        return added
    citizens = _citizens()
    now = timezone.now()
    if not Draft.objects.filter(slug=OPEN_SLUG).exists():
        draft = services.draft_create(
            actor=admin,
            agency=moha,
            kind=Draft.Kind.DECREE,
            slug=OPEN_SLUG,
            title_lo="ຮ່າງດຳລັດວ່າດ້ວຍສະມາຄົມ (ສະບັບປັບປຸງ)",
            title_en="Draft Decree on Associations (amendment)",
            summary_lo="ຮ່າງປັບປຸງດຳລັດວ່າດ້ວຍສະມາຄົມ: ການຍື່ນຄຳຮ້ອງທາງອອນລາຍ, ໄລຍະເວລາພິຈາລະນາ, ການລາຍງານ ແລະ ທຶນຊ່ວຍເຫຼືອ.",
            summary_en="Amending the Decree on Associations: online applications, decision time limits, reporting "
            "and grants.",
            articles=ASSOCIATIONS_ARTICLES,
        )
        version = draft.versions.get()
        start = now - datetime.timedelta(days=10)
        consultation = services.consultation_open(actor=admin, version=version, opens_at=start)
        articles = {a.number: a for a in version.articles.all()}
        comments = _comments(consultation, articles, citizens, ASSOCIATIONS_COMMENTS)
        services.comment_moderate(actor=admin, comment=comments[-1], hide=True, reason=HIDDEN_REASON)
        added["drafts"] += 1
    if not Draft.objects.filter(slug=CLOSED_SLUG).exists():
        draft = services.draft_create(
            actor=admin,
            agency=moha,
            kind=Draft.Kind.DECREE,
            slug=CLOSED_SLUG,
            title_lo="ຮ່າງດຳລັດວ່າດ້ວຍໃບຢັ້ງຢືນທີ່ຢູ່",
            title_en="Draft Decree on Residence Certificates",
            summary_lo="ຄ່າທຳນຽມ ແລະ ໄລຍະເວລາ ອອກໃບຢັ້ງຢືນທີ່ຢູ່.",
            summary_en="Fees and time limits for residence certificates.",
            articles=RESIDENCE_ARTICLES,
        )
        version = draft.versions.get()
        consultation = services.consultation_open(
            actor=admin,
            version=version,
            opens_at=now - datetime.timedelta(days=70),
            closes_at=now + datetime.timedelta(days=1),
        )
        articles = {a.number: a for a in version.articles.all()}
        comments = _comments(consultation, articles, citizens, RESIDENCE_COMMENTS)
        # Closed early so that the demo shows a finished consultation with its responses.
        consultation = services.consultation_close(actor=admin, consultation=consultation)
        for number, text_lo, text_en, answered in RESIDENCE_RESPONSES:
            services.response_publish(
                actor=admin,
                consultation=consultation,
                article=articles[number] if number else None,
                text_lo=text_lo,
                text_en=text_en,
                comments=[comments[i] for i in answered],
            )
        services.version_publish(
            actor=admin,
            draft=draft,
            articles=RESIDENCE_V2,
            comment_links={2: [comments[1]], 3: [comments[2]]},
            notes={2: "ຍົກເລີກຄ່າທຳນຽມ", 3: "ຫຼຸດໄລຍະເວລາ"},
        )
        added["drafts"] += 1
    return added
