"""Users: roles, tokens stored only as hashes, argon2 passwords, admin actions."""

from __future__ import annotations

import sqlite3

import pytest

from audit import AuditError, DuplicateUser, InvalidRole, InvalidUserName, UnknownUser, User
from audit.users import InvalidGroups, LastAdmin, check_groups

PASSWORD = "correct horse battery staple"


@pytest.fixture
def users(log):
    """The user methods live on AuditLog; the name keeps these tests readable."""
    return log


def test_add_user_returns_user_and_token_that_finds_it(users):
    user, token = users.add_user("alice", "employee", groups=["eng", "sales"])
    assert user == User("alice", "employee", ("eng", "sales"))
    assert token.startswith("gp_") and len(token) > 40
    assert users.user_for_token(token) == user
    assert users.get_user("alice") == user
    assert users.has_users()


@pytest.mark.parametrize(
    "token", ["", "gp_", "gp_wrong", "not-a-token", "gp_" + "A" * 43], ids=repr
)
def test_wrong_token_finds_nobody(users, token):
    users.add_user("alice", "employee")
    assert users.user_for_token(token) is None


def test_issued_tokens_all_work_until_revoked(users):
    _, first = users.add_user("alice", "employee")
    second = users.issue_token("alice")
    assert first != second
    assert users.user_for_token(first) == users.user_for_token(second) == users.get_user("alice")
    assert users.revoke_tokens("alice") == 2
    assert users.user_for_token(first) is None and users.user_for_token(second) is None


@pytest.mark.parametrize(
    ("name", "password", "found"),
    [
        ("olivia", PASSWORD, True),
        ("olivia", PASSWORD + "!", False),
        ("olivia", "", False),
        ("nobody", PASSWORD, False),
        ("alice", PASSWORD, False),  # alice has no password: token only
    ],
    ids=["right", "wrong", "empty", "unknown-user", "no-password-set"],
)
def test_check_password(users, name, password, found):
    users.add_user("olivia", "officer", password=PASSWORD)
    users.add_user("alice", "employee")
    result = users.check_password(name, password)
    assert (result == users.get_user(name)) if found else result is None


def test_set_password_replaces_the_old_one(users):
    users.add_user("olivia", "officer", password="old password")
    users.set_password("olivia", PASSWORD)
    assert users.check_password("olivia", "old password") is None
    assert users.check_password("olivia", PASSWORD).role == "officer"


def test_duplicate_user_is_refused(users):
    users.add_user("alice", "employee")
    with pytest.raises(DuplicateUser):
        users.add_user("alice", "admin")
    assert users.get_user("alice").role == "employee"


@pytest.mark.parametrize("role", ["", "root", "Admin", "officers", None], ids=repr)
def test_unknown_role_is_refused(users, role):
    with pytest.raises(InvalidRole) as exc:
        users.add_user("alice", role)
    assert isinstance(exc.value, ValueError)
    assert "employee, officer, admin" in str(exc.value)
    assert not users.has_users()


@pytest.mark.parametrize("name", ["", " alice", "alice "], ids=repr)
def test_blank_or_padded_name_is_refused(users, name):
    with pytest.raises(InvalidUserName):
        users.add_user(name, "employee")


@pytest.mark.parametrize("method", ["issue_token", "revoke_tokens"])
def test_token_actions_on_unknown_user_raise(users, method):
    with pytest.raises(UnknownUser):
        getattr(users, method)("ghost")


def test_unknown_user_lookups_are_none(users):
    assert users.get_user("ghost") is None
    assert not users.has_users()


def test_tokens_and_passwords_are_never_stored_in_plaintext(users, db_bytes):
    _, token = users.add_user("olivia", "admin", password=PASSWORD)
    extra = users.issue_token("olivia")
    data = db_bytes()
    for secret in (token, extra, token.removeprefix("gp_"), PASSWORD):
        assert secret.encode() not in data


def test_user_changes_are_recorded_as_admin_actions(users, db_path):
    users.add_user("olivia", "officer", password=PASSWORD, actor="root")
    users.issue_token("olivia", actor="root")
    users.set_password("olivia", "another one", actor="root")
    with sqlite3.connect(db_path) as conn:
        sql = "SELECT actor, action, target FROM admin_actions ORDER BY id"
        rows = conn.execute(sql).fetchall()
    assert rows == [
        ("root", "user.add role=officer", "olivia"),
        ("root", "token.issue", "olivia"),
        ("root", "user.set_password", "olivia"),
    ]


UPSTREAM_SECRET = "mastodon-personal-access-token-ZX81"


def test_upstream_token_is_stored_for_its_user_and_never_in_admin_actions(
    users, db_path, caplog
):
    caplog.set_level("DEBUG")
    users.add_user("alice", "employee", upstream_token=UPSTREAM_SECRET, actor="root")
    users.add_user("bob", "employee")
    assert users.upstream_token_for("alice") == UPSTREAM_SECRET
    assert users.upstream_token_for("bob") is None
    assert users.upstream_token_for("ghost") is None
    users.set_upstream_token("bob", "bob-token", actor="root")
    assert users.upstream_token_for("bob") == "bob-token"
    users.set_upstream_token("bob", None, actor="root")
    assert users.upstream_token_for("bob") is None
    with sqlite3.connect(db_path) as conn:
        actions = conn.execute("SELECT actor, action, target FROM admin_actions").fetchall()
        stored = conn.execute("SELECT user, token FROM upstream_credentials").fetchall()
    assert stored == [("alice", UPSTREAM_SECRET)]
    assert UPSTREAM_SECRET not in repr(actions) and "bob-token" not in repr(actions)
    assert ("root", "user.upstream_token", "bob") in actions
    assert UPSTREAM_SECRET not in caplog.text and "bob-token" not in caplog.text


def test_upstream_token_of_an_unknown_user_cannot_be_set(users):
    with pytest.raises(UnknownUser):
        users.set_upstream_token("ghost", "x")


# People: roles, groups, the People page's rows and each person's history.


def test_set_role_changes_the_role_and_returns_the_old_one(users):
    users.add_user("alice", "employee")
    assert users.set_role("alice", "officer", actor="root") == "employee"
    assert users.get_user("alice").role == "officer"
    assert users.set_role("alice", "officer", actor="root") == "officer"  # no change


@pytest.mark.parametrize("role", ["", "root", "Admin", None], ids=repr)
def test_set_role_refuses_an_unknown_role(users, role):
    users.add_user("alice", "employee")
    with pytest.raises(InvalidRole):
        users.set_role("alice", role, actor="root")
    assert users.get_user("alice").role == "employee"


@pytest.mark.parametrize("role", ["officer", "employee"])
def test_the_last_admin_cannot_be_demoted(users, role):
    users.add_user("root", "admin")
    with pytest.raises(LastAdmin) as exc:
        users.set_role("root", role, actor="root")
    assert isinstance(exc.value, AuditError)
    assert "last admin" in str(exc.value)
    assert users.get_user("root").role == "admin"


def test_an_admin_can_be_demoted_while_another_admin_remains(users):
    users.add_user("root", "admin")
    users.add_user("ada", "admin")
    assert users.set_role("root", "officer", actor="ada") == "admin"
    with pytest.raises(LastAdmin):
        users.set_role("ada", "employee", actor="ada")


def test_set_groups_replaces_them_in_order_each_once(users):
    users.add_user("alice", "employee", groups=["eng"])
    stored = users.set_groups("alice", ["sales", "legal", "sales"], actor="root")
    assert stored == ("sales", "legal")
    assert users.get_user("alice").groups == ("sales", "legal")
    assert users.set_groups("alice", [], actor="root") == ()
    assert users.get_user("alice").groups == ()


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([""], "empty"),
        ([" eng"], "surrounding spaces"),
        (["eng "], "surrounding spaces"),
        (["x" * 65], "over 64 characters"),
        (["eng,sales"], "comma"),
        ([f"g{i}" for i in range(51)], "at most 50"),
        ("eng", "not one string"),
    ],
    ids=["empty", "leading-space", "trailing-space", "too-long", "comma", "too-many", "a-string"],
)
def test_set_groups_refuses_bad_group_names(users, groups, message):
    users.add_user("alice", "employee", groups=["eng"])
    with pytest.raises(InvalidGroups, match=message):
        users.set_groups("alice", groups, actor="root")
    assert users.get_user("alice").groups == ("eng",)


def test_group_limits_are_inclusive():
    assert len(check_groups(["x" * 64] + [f"g{i}" for i in range(49)])) == 50


def test_add_user_checks_groups_too(users):
    with pytest.raises(InvalidGroups):
        users.add_user("alice", "employee", groups=[" eng"])
    assert not users.has_users()


@pytest.mark.parametrize("method", ["set_role", "set_groups"])
def test_changes_to_an_unknown_user_raise(users, method):
    value = "officer" if method == "set_role" else ["eng"]
    with pytest.raises(UnknownUser):
        getattr(users, method)("ghost", value, actor="root")


def test_people_counts_tokens_and_tells_who_has_a_password(users):
    users.add_user("olivia", "officer", groups=["legal"], password=PASSWORD)
    users.add_user("alice", "employee")
    users.issue_token("alice", actor="root")
    users.add_user("Bob", "employee")
    users.revoke_tokens("Bob", actor="root")
    people = users.people()
    assert [p.name for p in people] == ["alice", "Bob", "olivia"]  # by name, any case
    alice, bob, olivia = people
    assert (alice.role, alice.groups, alice.has_password, alice.tokens) == \
        ("employee", (), False, 2)
    assert (bob.tokens, bob.last_token_at) == (0, None)
    assert (olivia.role, olivia.groups, olivia.has_password, olivia.tokens) == \
        ("officer", ("legal",), True, 1)
    assert alice.last_token_at >= alice.created_at
    assert users.person("olivia") == olivia
    assert users.person("ghost") is None


def test_admin_actions_for_lists_changes_to_that_user_newest_first(users):
    users.add_user("root", "admin")
    users.add_user("alice", "employee", actor="root")
    users.set_groups("alice", ["eng", "sales"], actor="root")
    users.set_role("alice", "officer", actor="root")
    users.issue_token("alice", actor="root")
    users.revoke_tokens("alice", actor="root")
    users.set_password("alice", PASSWORD, actor="root")
    users.set_groups("root", ["ops"], actor="root")
    history = users.admin_actions_for("alice")
    assert [(a.actor, a.action, a.target) for a in history] == [
        ("root", "user.set_password", "alice"),
        ("root", "token.revoke", "alice"),
        ("root", "token.issue", "alice"),
        ("root", "user.set_role role=officer was=employee", "alice"),
        ("root", "user.set_groups groups=eng,sales", "alice"),
        ("root", "user.add role=employee", "alice"),
    ]
    assert all(a.at for a in history)
    assert [a.action for a in users.admin_actions_for("alice", limit=2)] == \
        ["user.set_password", "token.revoke"]


def test_refused_changes_record_nothing(users):
    users.add_user("root", "admin")
    for change in (lambda: users.set_role("root", "officer", actor="root"),
                   lambda: users.set_groups("root", [""], actor="root")):
        with pytest.raises(AuditError):
            change()
    assert [a.action for a in users.admin_actions_for("root")] == ["user.add role=admin"]


def test_people_and_history_hold_no_secret(users):
    _, token = users.add_user("alice", "employee", password=PASSWORD, actor="root")
    extra = users.issue_token("alice", actor="root")
    users.set_password("alice", PASSWORD + "!", actor="root")
    seen = repr(users.people()) + repr(users.admin_actions_for("alice"))
    for secret in (token, extra, PASSWORD, "argon2"):
        assert secret not in seen
