"""Who may do what: the four roles, what each may do, and a user's view of the data.

The identity provider says who somebody is and which groups they belong to (a claim such as `groups`);
`RoleMapping` turns those groups into roles. The pages hide what a role may not use, and the store checks
`User.require` again before every write, so a crafted request cannot do more than its user may.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pandas as pd

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label, load_districts
from aqb_data.paths import ROLES_FILE


class Role(Enum):
    """A role in the dashboard; `label` is its German name."""

    READ = "Lesen"
    MAINTAIN = "Datenpflege"
    ADMIN = "Verwaltung"
    DISTRICT = "Kreis"

    @property
    def label(self) -> str:
        """The German name shown on the pages."""
        return self.value


class Action(Enum):
    """Something a user does; `label` says it in German (for refusals and the audit trail)."""

    READ = "Daten ansehen und exportieren"
    UPLOAD = "Berichte einlesen"
    AGREEMENT = "Zielvereinbarungen übernehmen"
    UNDO = "Importe zurücknehmen"
    EXPORT_STATE = "frühere Stände herunterladen"
    REMOVE_DEMO = "Demodaten entfernen"
    AUDIT = "das Protokoll einsehen"
    SETTINGS = "die Einstellungen der Rollen einsehen"
    NOTE = "Notizen und vereinbarte Maßnahmen schreiben"

    @property
    def label(self) -> str:
        """The German wording."""
        return self.value


# Each role's actions. A user with several roles may do what any of them may; a district user's actions are
# limited to their own district's rows (see `User.scope`).
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.READ: frozenset({Action.READ}),
    Role.MAINTAIN: frozenset(
        {Action.READ, Action.UPLOAD, Action.AGREEMENT, Action.UNDO, Action.EXPORT_STATE, Action.NOTE}
    ),
    Role.ADMIN: frozenset(Action),
    Role.DISTRICT: frozenset({Action.READ, Action.UPLOAD, Action.NOTE}),
}


class AccessDeniedError(PermissionError):
    """The user may not do this; the message says so in German."""


@dataclass(frozen=True)
class User:
    """Somebody using the dashboard: who (for the audit trail), their roles and, for district staff, their AGS."""

    login: str  # the stable identifier the audit trail names (e-mail, preferred_username or the OS user)
    name: str
    roles: frozenset[Role]
    ags: str | None = None  # a district user's own district
    signed_in: bool = True  # False in single-seat operation without login (the OS user is named instead)

    @property
    def scope(self) -> str | None:
        """The only district this user may see and change, or None for the whole Land."""
        return self.ags if self.roles == {Role.DISTRICT} else None

    def may(self, action: Action) -> bool:
        """True if any of the user's roles allows the action."""
        return any(action in PERMISSIONS[role] for role in self.roles)

    def require(self, action: Action) -> None:
        """Raise AccessDeniedError (German) unless the user may do the action."""
        if not self.may(action):
            roles = ", ".join(sorted(role.label for role in self.roles)) or "keine Rolle"
            raise AccessDeniedError(
                f"{self.name} ({roles}) darf nicht {action.label}. Es wurde nichts geändert. "
                "Die Rollen vergibt die Verwaltung des Dashboards über die Gruppen am Anmeldedienst."
            )

    def require_district(self, ags_values: Iterable[str]) -> None:
        """Raise AccessDeniedError unless every row belongs to the user's own district (always passes without scope)."""
        if self.scope is None:
            return
        foreign = sorted({str(ags) for ags in ags_values} - {self.scope})
        if foreign:
            names = ", ".join(district_label(ags) for ags in foreign[:5])
            raise AccessDeniedError(
                f"Die Datei enthält Zeilen anderer Gebietskörperschaften ({names}); {self.name} darf nur Zeilen von "
                f"{district_label(self.scope)} einlesen. Es wurde nichts gespeichert."
            )

    def describe(self) -> str:
        """`Name (login) – Rollen`, for the sidebar and the audit trail."""
        roles = ", ".join(role.label for role in Role if role in self.roles) or "keine Rolle"
        where = f", {district_label(self.ags)}" if self.scope else ""
        return f"{self.name} ({self.login}) – {roles}{where}"


def operator() -> User:
    """The person at this computer in single-seat operation or on the command line: every role, named by the
    operating-system account (that account can read and write the database file anyway)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid, e.g. in a container
        login = f"uid {os.getuid()}"
    return User(login=login, name=login, roles=frozenset({Role.READ, Role.MAINTAIN, Role.ADMIN}), signed_in=False)


def restricted_to(data: AqbData, ags: str | None) -> AqbData:
    """The data a district user sees: only their own district's rows in every table (all of it without scope)."""
    if ags is None:
        return data

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["ags"] == ags].reset_index(drop=True)

    return data.with_tables(own)


ROLE_SETTINGS_ENV = "AQB_ROLES"


@dataclass(frozen=True)
class RoleMapping:
    """How the identity provider's claims become roles: which claim lists the groups, which group means which
    role, and which claim holds a district user's AGS."""

    claim: str = "groups"
    groups: Mapping[str, Role] = field(
        default_factory=lambda: {
            "aqb-lesen": Role.READ,
            "aqb-datenpflege": Role.MAINTAIN,
            "aqb-verwaltung": Role.ADMIN,
            "aqb-kreis": Role.DISTRICT,
        }
    )
    ags_claim: str = "ags"
    audit_retention_days: int = 365

    def user(self, claims: Mapping[str, object]) -> User:
        """The user the ID token's claims describe. A district role without a valid AGS claim gives no role, so
        that a misconfigured account sees nothing rather than everything."""
        value = claims.get(self.claim)
        names = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
        roles = {self.groups[name] for name in names if isinstance(name, str) and name in self.groups}
        ags = claims.get(self.ags_claim)
        ags = ags if isinstance(ags, str) and ags in set(load_districts()["ags"]) else None
        if Role.DISTRICT in roles and ags is None:
            roles.discard(Role.DISTRICT)
        login = next(
            (str(claims[key]) for key in ("email", "preferred_username", "sub") if claims.get(key)), "unbekannt"
        )
        return User(login=login, name=str(claims.get("name") or login), roles=frozenset(roles), ags=ags)

    @classmethod
    def load(cls, path: str | Path | None = None) -> RoleMapping:
        """The mapping from a TOML file (`AQB_ROLES` or `.streamlit/roles.toml`), or the defaults if there is none.

        A file that cannot be read raises ValueError with a German message naming the file and the entry.
        """
        path = Path(path or os.environ.get(ROLE_SETTINGS_ENV) or ROLES_FILE)
        if not path.exists():
            return cls()
        try:
            settings = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ValueError(f"Die Rollen-Einstellungen {path} sind nicht lesbar: {error}") from None
        by_label = {role.label.lower(): role for role in Role}
        groups = {}
        for group, label in dict(settings.get("groups", {})).items():
            role = by_label.get(str(label).lower())
            if role is None:
                allowed = ", ".join(role.label for role in Role)
                raise ValueError(f"{path}: Gruppe „{group}“ hat die unbekannte Rolle „{label}“ (erlaubt: {allowed}).")
            groups[str(group)] = role
        retention = settings.get("audit_retention_days", cls.audit_retention_days)
        if not isinstance(retention, int) or retention < 1:
            raise ValueError(f"{path}: audit_retention_days muss eine ganze Zahl ab 1 sein, nicht „{retention}“.")
        return cls(
            claim=str(settings.get("claim", cls.claim)),
            groups=groups or cls().groups,
            ags_claim=str(settings.get("ags_claim", cls.ags_claim)),
            audit_retention_days=retention,
        )
