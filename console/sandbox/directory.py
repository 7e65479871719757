"""The sandbox user pool's people and app clients: fresh ids and throwaway secrets per run."""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass, field

__all__ = ["AppClient", "Directory", "User", "new_directory"]

_POOL_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True, slots=True)
class User:
    """A user-pool user; ``directory_groups`` is what an LDAP/AD lookup returns, not a token claim."""

    username: str
    sub: str
    password: str
    email: str
    groups: tuple[str, ...]
    directory_groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AppClient:
    """A user-pool app client (id is 26 lowercase alphanumerics, like Cognito's)."""

    name: str
    client_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class Directory:
    """Everything the IdP knows: pool id, users by name and app clients by name."""

    pool_id: str
    users: dict[str, User] = field(default_factory=dict)
    clients: dict[str, AppClient] = field(default_factory=dict)

    def client_by_id(self, client_id: str) -> AppClient | None:
        """The app client with this id, if any."""
        return next((c for c in self.clients.values() if c.client_id == client_id), None)


def _client(name: str) -> AppClient:
    alphabet = string.ascii_lowercase + string.digits
    client_id = "".join(secrets.choice(alphabet) for _ in range(26))
    # Cognito client secrets are 51-52 characters; any long random string is fine here.
    return AppClient(name=name, client_id=client_id, client_secret=secrets.token_urlsafe(39))


def _big_groups(count: int) -> tuple[str, ...]:
    # Kerberos/AD "token bloat": many long group names; each ~46 bytes.
    return tuple(f"CN=APP-ORDERS-REGION-{i:04d}-READERS,OU=Groups,DC=corp" for i in range(count))


def new_directory(region: str, big_groups: int = 0) -> Directory:
    """A fresh pool ``<region>_<9 chars>`` with alice (orders-readers), bob (no groups), two app clients."""
    pool_id = f"{region}_" + "".join(secrets.choice(_POOL_ALPHABET) for _ in range(9))
    alice = User(
        username="alice",
        sub=str(uuid.uuid4()),
        password=secrets.token_urlsafe(12),
        email="alice@example.com",
        groups=("orders-readers",),
        directory_groups=_big_groups(big_groups) if big_groups else ("orders-readers",),
    )
    bob = User(
        username="bob",
        sub=str(uuid.uuid4()),
        password=secrets.token_urlsafe(12),
        email="bob@example.com",
        groups=(),
        directory_groups=(),
    )
    return Directory(
        pool_id=pool_id,
        users={"alice": alice, "bob": bob},
        clients={"web": _client("web"), "mobile": _client("mobile")},
    )
