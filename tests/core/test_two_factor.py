import datetime as dt
import re

import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mamori.core.models import AuditEntry
from tests.conftest import PASSWORD


def _password_login(client, username):
    response = client.post(reverse("core:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_privileged_role_must_enrol_before_anything_else(client, ciso):
    _password_login(client, "ciso")
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:otp_setup"))


def test_administrator_must_enrol_too(client, admin_user):
    _password_login(client, "admin")
    assert client.get(reverse("core:organisation"))["Location"].startswith(reverse("core:otp_setup"))


def test_staff_without_a_device_is_not_forced(client, staff):
    _password_login(client, "staff")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(client, ciso):
    _password_login(client, "ciso")
    page = client.get(reverse("core:otp_setup"))
    html = page.content.decode()
    assert "<svg" in html
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=ciso, confirmed=False)
    assert len(secret.replace(" ", "")) >= 32  # the base32 secret, shown in groups of four
    wrong = client.post(
        reverse("core:otp_setup"), {"token": "000000" if _current_code(device) != "000000" else "111111"}
    )
    assert "確認コードが正しくありません" in wrong.content.decode()
    # django-otp throttles after a failure; a person would try again a few seconds later.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=10), tick=False):
        ok = client.post(reverse("core:otp_setup"), {"token": _current_code(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(object_type="otp_totp.totpdevice", actor=ciso).exists()


def test_enrolled_user_is_asked_for_a_code_at_next_login(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    _password_login(client, "staff")
    response = client.get(reverse("web:dashboard"))
    assert response["Location"].startswith(reverse("core:otp_verify"))
    client.post(reverse("core:otp_verify"), {"token": _current_code(device), "next": "/"})
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = get_user_model().objects.create_user("hashed", password="a-long-enough-password")
    assert user.password.startswith("argon2$")


def test_production_settings_use_argon2_first():
    from mamori.config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
