"""A person's profile: entered once, used to fill every form.

The child tables hold the histories the forms ask for (most ask five years of
addresses and employment).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from immigration_app.models.types import now_field

SORT_NAME_LENGTH = 210  # two names of 100 characters, a few of which fold into two (ß -> ss)


class Language(enum.StrEnum):
    ENGLISH = "en"
    SPANISH = "es"


class Person(SQLModel, table=True):
    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    family_name: str = Field(max_length=100, index=True)
    given_name: str = Field(max_length=100, index=True)
    middle_name: str = Field(default="", max_length=100)
    # Family then given name, accents and case folded: what lists sort by (services/people.py).
    sort_name: str = Field(
        default="", max_length=SORT_NAME_LENGTH, index=True, sa_column_kwargs={"server_default": ""}
    )
    date_of_birth: date | None = Field(default=None, index=True)
    sex: str = Field(default="", max_length=6)  # "male" or "female", as the forms ask it
    city_of_birth: str = Field(default="", max_length=100)
    country_of_birth: str = Field(default="", max_length=100)
    country_of_citizenship: str = Field(default="", max_length=100)
    # Stored as nine digits without the "A", as the forms print it.
    a_number: str = Field(default="", max_length=9, index=True)
    uscis_online_account_number: str = Field(default="", max_length=12)
    ssn: str = Field(default="", max_length=11)
    phone: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=254, index=True)
    preferred_language: Language = Field(default=Language.ENGLISH, sa_type=sa.String(2))
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class PersonSearchToken(SQLModel, table=True):
    """One word of a person's names (current and other), folded for search: "López" -> "lopez".

    A name search looks words up here by prefix, which an index serves on SQLite and
    PostgreSQL alike; a LIKE '%...%' over every name could not be.
    """

    __tablename__ = "person_search_token"
    # A prefix range of tokens gives its people from the index alone, with no row lookups:
    # a common first name matches tens of thousands of people.
    __table_args__ = (sa.Index("ix_person_search_token_token_person", "token", "person_id"),)

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    token: str = Field(max_length=40, primary_key=True)


class OtherName(SQLModel, table=True):
    """Other names used (maiden names, aliases): searched like the main name."""

    __tablename__ = "person_other_name"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    family_name: str = Field(max_length=100, index=True)
    given_name: str = Field(default="", max_length=100)
    middle_name: str = Field(default="", max_length=100)


class Address(SQLModel, table=True):
    __tablename__ = "person_address"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    in_care_of: str = Field(default="", max_length=100)
    street: str = Field(max_length=200)
    unit_type: str = Field(default="", max_length=8)  # Apt. / Ste. / Flr., as the forms offer
    unit_number: str = Field(default="", max_length=16)
    city: str = Field(max_length=100)
    state: str = Field(default="", max_length=50)
    postal_code: str = Field(default="", max_length=16)
    province: str = Field(default="", max_length=100)
    country: str = Field(default="United States", max_length=100)
    from_date: date | None = None
    to_date: date | None = None  # empty while it is the current address
    is_mailing: bool = False


class Employment(SQLModel, table=True):
    __tablename__ = "person_employment"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    employer: str = Field(max_length=200)
    occupation: str = Field(default="", max_length=100)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=50)
    postal_code: str = Field(default="", max_length=16)
    country: str = Field(default="United States", max_length=100)
    from_date: date | None = None
    to_date: date | None = None


class Marriage(SQLModel, table=True):
    __tablename__ = "person_marriage"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    spouse_family_name: str = Field(max_length=100)
    spouse_given_name: str = Field(default="", max_length=100)
    spouse_middle_name: str = Field(default="", max_length=100)
    spouse_date_of_birth: date | None = None
    date_of_marriage: date | None = None
    place_of_marriage: str = Field(default="", max_length=200)
    date_ended: date | None = None
    how_ended: str = Field(default="", max_length=50)  # divorce, annulment, death


class Parent(SQLModel, table=True):
    __tablename__ = "person_parent"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    relationship: str = Field(max_length=20)  # mother, father, parent
    family_name: str = Field(max_length=100)
    given_name: str = Field(default="", max_length=100)
    middle_name: str = Field(default="", max_length=100)
    date_of_birth: date | None = None
    city_of_birth: str = Field(default="", max_length=100)
    country_of_birth: str = Field(default="", max_length=100)
    city_of_residence: str = Field(default="", max_length=100)
    country_of_residence: str = Field(default="", max_length=100)


class TravelEntry(SQLModel, table=True):
    """An entry into the United States (and the departure, once known)."""

    __tablename__ = "person_travel_entry"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    arrival_date: date | None = None
    port_of_entry: str = Field(default="", max_length=100)
    i94_number: str = Field(default="", max_length=11, index=True)
    status_at_entry: str = Field(default="", max_length=50)  # e.g. B-2, F-1, EWI
    authorized_stay_until: date | None = None
    passport_number: str = Field(default="", max_length=30)
    departure_date: date | None = None
