import json
import re
import time
import types
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import StaffFactory, UserFactory, totp_now
from elaos.accounts import services
from elaos.accounts.models import PhoneCode, User
from elaos.core.models import AuditEvent
from elaos.notifications.models import Message

pytestmark = pytest.mark.django_db

SmsCode = Callable[[str], str]

PHONE = "+8562077771234"
BASE_URL = "https://e-laos.test"
PASSWORD = "Vientiane-rainy-season-42"


def confirmation_token(email: str) -> str:
    message = Message.objects.filter(channel=Message.Channel.EMAIL, to=email).first()
    assert message is not None
    found = re.search(r"/accounts/email/confirm/([^/\s]+)/", message.body)
    assert found, message.body
    return found.group(1)


# Phone codes


def test_a_code_is_sent_by_sms_and_only_its_hash_is_kept(sms_code: SmsCode) -> None:
    services.phone_code_request(phone=PHONE, ip="203.0.113.7")

    code = sms_code(PHONE)
    record = PhoneCode.objects.get(phone=PHONE)
    assert code not in record.code_hash
    assert record.requested_ip == "203.0.113.7"
    lifetime = record.expires_at - record.created_at
    assert abs(lifetime - timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS)) < timedelta(seconds=1)


def test_the_first_right_code_creates_the_account_with_the_names_given_at_sign_up(sms_code: SmsCode) -> None:
    services.phone_code_request(phone=PHONE)

    user = services.phone_code_check(
        phone=PHONE, code=sms_code(PHONE), signup={"given_name_lo": "ບຸນມີ", "family_name_lo": "ພົມມະຈັນ"}
    )

    assert user is not None
    assert (user.phone, user.given_name_lo, user.family_name_lo) == (PHONE, "ບຸນມີ", "ພົມມະຈັນ")
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(action="user.signup", object_id=str(user.public_id)).exists()


def test_a_right_code_for_a_known_number_signs_in_that_account(citizen: User, sms_code: SmsCode) -> None:
    services.phone_code_request(phone=citizen.phone)

    user = services.phone_code_check(phone=citizen.phone, code=sms_code(citizen.phone), signup=None)

    assert user == citizen
    assert User.objects.filter(phone=citizen.phone).count() == 1


def test_a_code_works_only_once(sms_code: SmsCode) -> None:
    services.phone_code_request(phone=PHONE)
    code = sms_code(PHONE)

    assert services.phone_code_check(phone=PHONE, code=code) is not None
    assert services.phone_code_check(phone=PHONE, code=code) is None


def test_a_code_does_not_work_for_another_number(citizen: User, sms_code: SmsCode) -> None:
    services.phone_code_request(phone=PHONE)
    services.phone_code_request(phone=citizen.phone)

    assert services.phone_code_check(phone=citizen.phone, code=sms_code(PHONE)) is None


def test_an_expired_code_is_refused(sms_code: SmsCode) -> None:
    services.phone_code_request(phone=PHONE)
    PhoneCode.objects.filter(phone=PHONE).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert services.phone_code_check(phone=PHONE, code=sms_code(PHONE)) is None
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_new_code_replaces_the_earlier_one(sms_code: SmsCode) -> None:
    services.phone_code_request(phone=PHONE)
    first = sms_code(PHONE)
    services.phone_code_request(phone=PHONE)
    second = sms_code(PHONE)

    if first != second:
        assert services.phone_code_check(phone=PHONE, code=first) is None
    assert services.phone_code_check(phone=PHONE, code=second) is not None


def test_wrong_codes_are_counted_and_the_code_dies_at_the_failure_limit(sms_code: SmsCode) -> None:
    services.phone_code_request(phone=PHONE)
    right = sms_code(PHONE)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert services.phone_code_check(phone=PHONE, code=wrong) is None

    assert PhoneCode.objects.get(phone=PHONE).failed_attempts == settings.AXES_FAILURE_LIMIT
    assert services.phone_code_check(phone=PHONE, code=right) is None


def test_codes_per_number_are_limited_per_hour() -> None:
    for _ in range(settings.PHONE_CODE_MAX_PER_HOUR):
        services.phone_code_request(phone=PHONE)

    with pytest.raises(services.TooManyCodes):
        services.phone_code_request(phone=PHONE)
    assert PhoneCode.objects.filter(phone=PHONE).count() == settings.PHONE_CODE_MAX_PER_HOUR

    # Another number is not affected, and codes older than an hour no longer count.
    services.phone_code_request(phone="+8562077770000")
    PhoneCode.objects.filter(phone=PHONE).update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    services.phone_code_request(phone=PHONE)


def test_an_inactive_account_cannot_sign_in_with_a_code(citizen: User, sms_code: SmsCode) -> None:
    citizen.is_active = False
    citizen.save()
    services.phone_code_request(phone=citizen.phone)

    assert services.phone_code_check(phone=citizen.phone, code=sms_code(citizen.phone)) is None


def test_the_sms_is_in_the_language_the_account_holder_chose(sms_code: SmsCode) -> None:
    english_speaker = UserFactory(preferred_language=User.Language.ENGLISH)

    with translation.override("lo"):
        services.phone_code_request(phone=english_speaker.phone)

    body = Message.objects.get(to=english_speaker.phone).body
    assert body.startswith(f"e-Laos code: {sms_code(english_speaker.phone)}.")


# E-mail sign-up and confirmation


def sign_up(email: str = "alice@example.la", password: str = PASSWORD, **profile: str) -> None:
    with translation.override("en"):
        services.email_signup(
            email=email,
            password=password,
            profile={"given_name_lo": "ອາລີ", "family_name_lo": "ວົງສາ", **profile},
            base_url=BASE_URL,
        )


def test_email_signup_creates_an_inactive_account_until_the_link_is_opened() -> None:
    sign_up(email="  Alice@Example.LA ")

    user = User.objects.get(email="alice@example.la")
    assert not user.is_active
    assert user.email_verified_at is None
    assert user.check_password(PASSWORD)

    confirmed = services.email_confirm(token=confirmation_token("alice@example.la"))

    assert confirmed == user
    user.refresh_from_db()
    assert user.is_active
    assert user.email_verified_at is not None
    assert AuditEvent.objects.filter(action="user.signup", data={"method": "email"}).count() == 1


def test_the_confirmation_link_points_at_the_site_that_sent_it() -> None:
    sign_up()

    body = Message.objects.get(to="alice@example.la").body
    assert f"{BASE_URL}/accounts/email/confirm/" in body


def test_a_confirmed_address_is_never_taken_over_by_a_new_signup() -> None:
    sign_up()
    services.email_confirm(token=confirmation_token("alice@example.la"))

    sign_up(password="Someone-else-tries-99", given_name_lo="ມານ")

    user = User.objects.get(email="alice@example.la")
    assert user.check_password(PASSWORD)
    assert user.given_name_lo == "ອາລີ"
    reminder = Message.objects.filter(to="alice@example.la").first()
    assert reminder is not None
    assert reminder.subject == "You already have an e-Laos account"
    assert f"{BASE_URL}/accounts/password-reset/" in reminder.body
    assert "/accounts/email/confirm/" not in reminder.body


def test_a_second_signup_for_a_pending_address_invalidates_the_first_link() -> None:
    sign_up()
    first = confirmation_token("alice@example.la")
    sign_up(password="Second-attempt-password-7")
    second = confirmation_token("alice@example.la")

    with pytest.raises(ValidationError) as caught:
        services.email_confirm(token=first)
    assert caught.value.code == "bad_token"
    assert not User.objects.get(email="alice@example.la").is_active

    services.email_confirm(token=second)
    user = User.objects.get(email="alice@example.la")
    assert user.is_active
    assert user.check_password("Second-attempt-password-7")


def test_a_confirmation_link_expires_after_three_days(monkeypatch: pytest.MonkeyPatch) -> None:
    sign_up()
    token = confirmation_token("alice@example.la")
    three_days_later = time.time() + timedelta(days=3, minutes=1).total_seconds()

    monkeypatch.setattr("django.core.signing.time", types.SimpleNamespace(time=lambda: three_days_later))
    with pytest.raises(ValidationError):
        services.email_confirm(token=token)

    assert not User.objects.get(email="alice@example.la").is_active


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJ1c2VyIjoiMSJ9:1tXyZa:forged"])
def test_a_forged_confirmation_link_is_refused(token: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.email_confirm(token=token)
    assert caught.value.messages == ["This confirmation link is wrong or has expired. Sign up again."]


def test_opening_a_confirmation_link_twice_is_harmless() -> None:
    sign_up()
    token = confirmation_token("alice@example.la")
    services.email_confirm(token=token)
    verified_at = User.objects.get(email="alice@example.la").email_verified_at

    services.email_confirm(token=token)

    assert User.objects.get(email="alice@example.la").email_verified_at == verified_at
    assert AuditEvent.objects.filter(action="user.signup").count() == 1


# Profile


def test_profile_update_writes_field_names_but_never_values_to_the_audit_chain(citizen: User) -> None:
    services.profile_update(actor=citizen, user=citizen, national_id="ABC-123456", given_name_lo="ບົວ")

    event = AuditEvent.objects.get(action="user.profile_update")
    assert event.data == {"fields": ["given_name_lo", "national_id"]}
    assert "ABC-123456" not in json.dumps(event.data, ensure_ascii=False)
    assert "ບົວ" not in json.dumps(event.data, ensure_ascii=False)
    assert event.actor == citizen


def test_nobody_edits_someone_elses_profile(citizen: User, other_citizen: User) -> None:
    with pytest.raises(PermissionError):
        services.profile_update(actor=other_citizen, user=citizen, given_name_lo="ຜູ້ອື່ນ")

    citizen.refresh_from_db()
    assert citizen.given_name_lo == "ສົມໃຈ"


def test_profile_update_never_changes_the_sign_in_identifiers(citizen: User) -> None:
    phone = citizen.phone
    citizen.email, citizen.email_verified_at = "somchai@example.la", timezone.now()
    citizen.save()

    services.profile_update(actor=citizen, user=citizen, email="new@example.la", phone="+8562099999999")

    citizen.refresh_from_db()
    assert (citizen.email, citizen.phone) == ("somchai@example.la", phone)
    assert citizen.email_verified_at is not None


# Staff second factor


def test_confirming_an_authenticator_gives_ten_single_use_recovery_codes() -> None:
    staff = StaffFactory()
    device = services.totp_device_start(user=staff)

    codes = services.totp_device_confirm(user=staff, device=device, token=totp_now(device))

    assert codes is not None
    assert len(codes) == services.RECOVERY_CODE_COUNT == 10
    assert len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == set(codes)


def test_a_wrong_code_does_not_confirm_an_authenticator() -> None:
    staff = StaffFactory()
    device = services.totp_device_start(user=staff)
    wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"

    assert services.totp_device_confirm(user=staff, device=device, token=wrong) is None
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=staff).exists()


def test_a_device_of_another_user_cannot_be_confirmed() -> None:
    alice, bob = StaffFactory(), StaffFactory()
    device = services.totp_device_start(user=alice)

    assert services.totp_device_confirm(user=bob, device=device, token=totp_now(device)) is None
    device.refresh_from_db()
    assert not device.confirmed


def test_starting_again_replaces_the_unconfirmed_authenticator() -> None:
    staff = StaffFactory()
    first = services.totp_device_start(user=staff)
    second = services.totp_device_start(user=staff)

    assert list(TOTPDevice.objects.filter(user=staff)) == [second]
    assert first.bin_key != second.bin_key


def test_new_recovery_codes_replace_the_old_ones() -> None:
    staff = StaffFactory()
    old = services.recovery_codes_regenerate(user=staff)
    new = services.recovery_codes_regenerate(user=staff)

    stored = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert stored == set(new)
    assert not stored & set(old)
