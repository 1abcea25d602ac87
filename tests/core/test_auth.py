"""Login: Argon2 hashes, lockout after repeated failures, every attempt audited."""

from __future__ import annotations

import pytest
from django.test import Client

from fazhi.core.models import AuditEntry, User
from tests.factories.core import PASSWORD


@pytest.fixture
def client():
    return Client()


def test_passwords_are_hashed_with_argon2(people):
    assert User.objects.get(username="agent").password.startswith("argon2")


def test_login_and_home(people, client):
    response = client.post("/login/", {"username": "agent", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "工作台" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login", actor="agent").exists()


def test_lockout_after_five_failures(people, client):
    for _ in range(5):
        response = client.post("/login/", {"username": "agent", "password": "wrong-password"})
        assert "用户名或密码错误" in response.content.decode()
    user = User.objects.get(username="agent")
    assert user.locked_until is not None
    # even the right password is refused while locked
    response = client.post("/login/", {"username": "agent", "password": PASSWORD})
    assert "已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.failed", actor="agent").count() == 5


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/cases/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unit_switcher(org, client, db):
    from fazhi.core.models import Membership, Role
    from tests.factories.core import user

    u = user(Role.HANDLER, org.housing, "two_hats")
    Membership.objects.create(user=u, unit=org.centre, role=Role.DISPATCHER)
    client.post("/login/", {"username": "two_hats", "password": PASSWORD})
    target = Membership.objects.get(user=u, role=Role.DISPATCHER)
    response = client.post("/switch-unit/", {"membership": target.pk}, follow=True)
    assert "派单员" in response.content.decode()
    assert 'data-queue="appeal_dispatch"' in response.content.decode()
