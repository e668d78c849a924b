"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from immigration_app.models.cases import (
    Case,
    CaseEvent,
    CaseMember,
    CaseNote,
    MemberRole,
    ReceiptNumber,
    StageSetting,
)
from immigration_app.models.deadlines import (
    CalendarFeed,
    CaseTypeSetting,
    Deadline,
    DeadlineStatus,
    Message,
    MessageStatus,
    MessageTemplateText,
    Reminder,
    ReminderStatus,
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
    "CalendarFeed",
    "Case",
    "CaseEvent",
    "CaseMember",
    "CaseNote",
    "CaseTypeSetting",
    "Deadline",
    "DeadlineStatus",
    "Employment",
    "FirmSettings",
    "Language",
    "Marriage",
    "MemberRole",
    "Message",
    "MessageStatus",
    "MessageTemplateText",
    "OtherName",
    "Parent",
    "Person",
    "PersonSearchToken",
    "ReceiptNumber",
    "Reminder",
    "ReminderStatus",
    "Role",
    "StageSetting",
    "TravelEntry",
    "User",
    "utcnow",
]
