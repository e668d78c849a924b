"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from immigration_app.models.cases import (
    Case,
    CaseEvent,
    CaseMember,
    CaseNote,
    Deadline,
    DeadlineStatus,
    MemberRole,
    ReceiptNumber,
)
from immigration_app.models.firm import DATE_FORMATS, FirmSettings
from immigration_app.models.people import (
    Address,
    Employment,
    Language,
    Marriage,
    OtherName,
    Parent,
    Person,
    PersonSearchToken,
    TravelEntry,
)
from immigration_app.models.types import utcnow
from immigration_app.models.users import AuthSession, Role, User

__all__ = [
    "DATE_FORMATS",
    "Address",
    "AuthSession",
    "Case",
    "CaseEvent",
    "CaseMember",
    "CaseNote",
    "Deadline",
    "DeadlineStatus",
    "Employment",
    "FirmSettings",
    "Language",
    "Marriage",
    "MemberRole",
    "OtherName",
    "Parent",
    "Person",
    "PersonSearchToken",
    "ReceiptNumber",
    "Role",
    "TravelEntry",
    "User",
    "utcnow",
]
