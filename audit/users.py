"""Users, roles, argon2 passwords and API tokens (stored only as sha256)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from .db import Store, utc_now
from .errors import AuditError, DuplicateUser, InvalidRole, InvalidUserName, UnknownUser

ROLES = ("employee", "officer", "admin")
TOKEN_PREFIX = "gp_"
MAX_GROUPS = 50
MAX_GROUP_LENGTH = 64


class LastAdmin(AuditError):
    """The change would leave Gatepost without an admin."""


class InvalidGroups(AuditError, ValueError):
    """A group name is empty, padded, too long or has a comma, or there are too many."""


@dataclass(frozen=True)
class User:
    """Someone who may post (employee), review (officer) or administer (admin)."""

    name: str
    role: str  # one of ROLES
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """A user as the admins see them: account facts, never a secret."""

    name: str
    role: str  # one of ROLES
    groups: tuple[str, ...]
    has_password: bool
    tokens: int  # live API tokens, >= 0
    last_token_at: str | None  # ISO 8601 UTC: when the newest live token was issued
    created_at: str | None  # ISO 8601 UTC


@dataclass(frozen=True)
class AdminAction:
    """One admin_actions row: who (actor) did what (action) to what (target), and when."""

    at: str
    actor: str
    action: str
    target: str


# One row per user, with their live tokens counted: the People page in one query.
_PEOPLE_SQL = """
SELECT u.name, u.role, u.groups, u.password_hash IS NOT NULL AS has_password,
       COUNT(t.token_hash) AS tokens, MAX(t.created_at) AS last_token_at, u.created_at
FROM users u LEFT JOIN tokens t ON t.user = u.name
{where} GROUP BY u.name ORDER BY u.name COLLATE NOCASE, u.name
"""


def check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidRole(f"role {role!r} is not one of {', '.join(ROLES)}")


def check_groups(groups: Iterable[str]) -> tuple[str, ...]:
    """The groups, each once, in order; InvalidGroups names the first bad one."""
    if isinstance(groups, str):
        raise InvalidGroups("groups must be a list of names, not one string")
    groups = tuple(dict.fromkeys(groups))
    if len(groups) > MAX_GROUPS:
        raise InvalidGroups(f"{len(groups)} groups given; at most {MAX_GROUPS} are allowed")
    for group in groups:
        if not isinstance(group, str) or not group or group != group.strip():
            raise InvalidGroups(f"group name {group!r} is empty or has surrounding spaces")
        if len(group) > MAX_GROUP_LENGTH:
            raise InvalidGroups(f"group name {group[:20]!r}... is over {MAX_GROUP_LENGTH} "
                                f"characters")
        if "," in group:  # the admin UI separates groups with commas
            raise InvalidGroups(f"group name {group!r} has a comma")
    return groups


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row: dict) -> User:
    return User(row["name"], row["role"], tuple(json.loads(row["groups"] or "[]")))


def _person(row: dict) -> Person:
    return Person(row["name"], row["role"], tuple(json.loads(row["groups"] or "[]")),
                  bool(row["has_password"]), row["tokens"], row["last_token_at"],
                  row["created_at"])


class UsersMixin:
    """User accounts in the audit db, as methods of AuditLog.

    actor (keyword) names who made a change, for the admin_actions table.
    """

    store: Store
    password_hasher: PasswordHasher

    @cached_property
    def _dummy_hash(self) -> str:
        """Verified against when the user is unknown, so timing does not tell."""
        return self.password_hasher.hash(secrets.token_urlsafe(16))

    def add_user(
        self,
        name: str,
        role: str,
        groups: Iterable[str] = (),
        password: str | None = None,
        *,
        actor: str = "system",
        upstream_token: str | None = None,
    ) -> tuple[User, str]:
        """Create a user; returns it and a fresh API token (shown once, never stored).

        upstream_token, if given, is the user's own credential at the upstream,
        used when forwarding their posts (see set_upstream_token).
        """
        if not name or name != name.strip():
            raise InvalidUserName(f"user name {name!r} is empty or has surrounding spaces")
        check_role(role)
        user = User(name, role, check_groups(groups))
        pw_hash = self.password_hasher.hash(password) if password is not None else None
        with self.store.write() as db:
            if db["users"].count_where("name = ?", [name]):
                raise DuplicateUser(f"user {name!r} already exists")
            db["users"].insert(
                {
                    "name": name,
                    "role": role,
                    "groups": json.dumps(list(user.groups)),
                    "password_hash": pw_hash,
                    "created_at": utc_now(),
                }
            )
            token = self._insert_token(db, name)
            self._action(db, actor, f"user.add role={role}", name)
            if upstream_token:
                self._store_upstream_token(db, name, upstream_token)
        return user, token

    def set_upstream_token(self, name: str, token: str | None, *, actor: str = "system") -> None:
        """Store (or, with None, remove) the user's own upstream credential.

        Gatepost must present it upstream, so it is kept as given, in its own
        table; it is never logged and admin_actions notes only that it changed.
        """
        with self.store.write() as db:
            self._require(db, name)
            if token:
                self._store_upstream_token(db, name, token)
            else:
                db.execute("DELETE FROM upstream_credentials WHERE user = ?", [name])
            self._action(db, actor, "user.upstream_token", name)

    def upstream_token_for(self, name: str) -> str | None:
        """The user's own upstream credential, or None (use the service token)."""
        with self.store.read() as db:
            rows = list(db["upstream_credentials"].rows_where("user = ?", [name], limit=1))
        return rows[0]["token"] if rows else None

    def issue_token(self, name: str, *, actor: str = "system") -> str:
        """A new API token for the user (earlier tokens stay valid until revoked)."""
        with self.store.write() as db:
            self._require(db, name)
            token = self._insert_token(db, name)
            self._action(db, actor, "token.issue", name)
        return token

    def revoke_tokens(self, name: str, *, actor: str = "system") -> int:
        """Invalidate every token of the user; returns how many there were."""
        with self.store.write() as db:
            self._require(db, name)
            count = db.execute("DELETE FROM tokens WHERE user = ?", [name]).rowcount
            self._action(db, actor, "token.revoke", name)
        return count

    def user_for_token(self, token: str) -> User | None:
        """The user holding this token, or None."""
        digest = token_hash(token)
        with self.store.read() as db:
            rows = list(db["tokens"].rows_where("token_hash = ?", [digest], limit=1))
            if not rows or not hmac.compare_digest(rows[0]["token_hash"], digest):
                return None
            return self._get(db, rows[0]["user"])

    def token_hash_valid(self, digest: str, name: str) -> bool:
        """True while a token with this sha256 digest exists and belongs to name."""
        with self.store.read() as db:
            return bool(db["tokens"].count_where("token_hash = ? AND user = ?",
                                                 [digest, name]))

    def check_password(self, name: str, password: str) -> User | None:
        """The user if the password is right, else None (also for unknown users)."""
        with self.store.read() as db:
            row = self._row(db, name)
        stored = (row or {}).get("password_hash")
        try:
            self.password_hasher.verify(stored or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if not stored:
            return None
        if self.password_hasher.check_needs_rehash(stored):
            self._store_hash(name, self.password_hasher.hash(password))
        return _user(row)

    def set_password(self, name: str, password: str, *, actor: str = "system") -> None:
        pw_hash = self.password_hasher.hash(password)  # slow: keep it outside the lock
        with self.store.write() as db:
            self._require(db, name)
            self._store_hash(name, pw_hash)
            self._action(db, actor, "user.set_password", name)

    def has_users(self) -> bool:
        with self.store.read() as db:
            return db["users"].count > 0

    def get_user(self, name: str) -> User | None:
        with self.store.read() as db:
            return self._get(db, name)

    def list_users(self) -> list[User]:
        with self.store.read() as db:
            return [_user(r) for r in db["users"].rows_where(order_by="name")]

    def set_role(self, name: str, role: str, *, actor: str) -> str:
        """Give the user another role; returns the one they had.

        Raises LastAdmin rather than demote the only admin.
        """
        check_role(role)
        with self.store.write() as db:
            old = self._require(db, name)["role"]
            if old == role:
                return old
            if old == "admin" and db["users"].count_where("role = 'admin'") == 1:
                raise LastAdmin(f"{name} is the last admin; make someone else admin first")
            db["users"].update(name, {"role": role})
            self._action(db, actor, f"user.set_role role={role} was={old}", name)
        return old

    def set_groups(self, name: str, groups: Iterable[str], *, actor: str) -> tuple[str, ...]:
        """Replace the user's groups (see check_groups); returns them as stored."""
        groups = check_groups(groups)
        with self.store.write() as db:
            self._require(db, name)
            db["users"].update(name, {"groups": json.dumps(list(groups))})
            self._action(db, actor, f"user.set_groups groups={','.join(groups)}", name)
        return groups

    def people(self) -> list[Person]:
        """Every user with their token count, by name."""
        with self.store.read() as db:
            return [_person(r) for r in db.query(_PEOPLE_SQL.format(where=""))]

    def person(self, name: str) -> Person | None:
        with self.store.read() as db:
            rows = list(db.query(_PEOPLE_SQL.format(where="WHERE u.name = ?"), [name]))
        return _person(rows[0]) if rows else None

    def admin_actions_for(self, name: str, limit: int = 50) -> list[AdminAction]:
        """The latest changes made to the user (admin_actions targeting them), newest first."""
        sql = ("SELECT at, actor, action, target FROM admin_actions WHERE target = ?"
               " ORDER BY id DESC LIMIT ?")
        with self.store.read() as db:
            return [AdminAction(**r) for r in db.query(sql, [name, limit])]

    def record_admin_action(self, actor: str, action: str, target: str) -> None:
        """Note an admin action: who did what to what (never a token, password or text)."""
        with self.store.write() as db:
            self._action(db, actor, action, target)

    def _store_hash(self, name: str, pw_hash: str) -> None:
        with self.store.write() as db:
            db["users"].update(name, {"password_hash": pw_hash})

    @staticmethod
    def _insert_token(db: Database, name: str) -> str:
        token = new_token()
        row = {"token_hash": token_hash(token), "user": name, "created_at": utc_now()}
        db["tokens"].insert(row)
        return token

    @staticmethod
    def _store_upstream_token(db: Database, name: str, token: str) -> None:
        row = {"user": name, "token": token, "created_at": utc_now()}
        db["upstream_credentials"].upsert(row, pk="user")

    @staticmethod
    def _action(db: Database, actor: str, action: str, target: str) -> None:
        row = {"at": utc_now(), "actor": actor, "action": action, "target": target}
        db["admin_actions"].insert(row)

    @staticmethod
    def _row(db: Database, name: str) -> dict | None:
        rows = list(db["users"].rows_where("name = ?", [name], limit=1))
        return rows[0] if rows else None

    def _get(self, db: Database, name: str) -> User | None:
        row = self._row(db, name)
        return _user(row) if row else None

    def _require(self, db: Database, name: str) -> dict:
        row = self._row(db, name)
        if row is None:
            raise UnknownUser(f"no user {name!r}")
        return row
