"""Field maps: which profile value fills which field of each USCIS form (catalog/forms/*.toml).

A map names each field by its full AcroForm name and gives a profile key such as
`petitioner.family_name` or `beneficiary.addresses[1].city`. The part before the first dot is a
role of the form (declared under [people] with the case-member roles that play it); the rest
is a path in the profile vocabulary below, which `services.form_data` fills from the database.

Transforms a line may ask for:
- `when = "male"`: the field is a checkbox, checked (with its own on-state) when the value is this;
- `blank = "N/A"`: written when the value is empty, where the form's instructions ask for it;
- `format = "digits"`: everything but digits removed (SSN, phone, A-number boxes);
- `required = true`: the form cannot be filed with this empty (the consistency check says so).
Dates are always written MM/DD/YYYY. `leave_to_staff` lists the fields a map deliberately leaves
to staff (typed per case as overrides).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from immigration_app.catalog import CATALOG_DIR

FORMS_DIR = CATALOG_DIR / "forms"
MEMBER_ROLES = ("petitioner", "beneficiary", "applicant", "derivative", "joint_sponsor")

_ADDRESS = (
    "street",
    "unit_type",
    "unit_number",
    "city",
    "state",
    "zip_code",
    "province",
    "postal_code",
    "country",
)
_NAME = ("family_name", "given_name", "middle_name")

# The profile vocabulary: what a person offers a form.
PERSON_FIELDS = (
    *_NAME,
    "full_name",
    "date_of_birth",
    "city_of_birth",
    "country_of_birth",
    "country_of_citizenship",
    "a_number",
    "uscis_online_account_number",
    "ssn",
    "phone",
    "email",
    "sex",
    "marital_status",
    "times_married",
    "mailing_same_as_physical",
)
PERSON_GROUPS = {
    "mailing": ("in_care_of", *_ADDRESS),
    "current_spouse": (*_NAME, "date_of_birth"),
    "current_marriage": ("date", "city", "state", "province", "country"),
    "last_entry": (
        "arrival_date",
        "port_city",
        "port_state",
        "i94_number",
        "status_at_entry",
        "authorized_stay_until",
        "passport_number",
        "travel_document_number",
        "passport_country",
    ),
}
PERSON_LISTS = {
    "other_names": _NAME,
    "addresses": (*_ADDRESS, "from_date", "to_date"),
    "employment": ("employer", "occupation", *_ADDRESS, "from_date", "to_date"),
    "spouses": (*_NAME, "date_of_marriage", "date_ended"),
    "prior_spouses": (
        *_NAME,
        "date_of_birth",
        "date_of_marriage",
        "date_ended",
        "city_ended",
        "country_ended",
    ),
    "parents": (
        *_NAME,
        "date_of_birth",
        "sex",
        "city_of_birth",
        "country_of_birth",
        "city_of_residence",
        "country_of_residence",
    ),
}
CASE_FIELDS = ("relationship", "reference", "priority_date")
FORMATS = ("", "digits")

_LIST_PATH = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>\d{1,2})\]\.(?P<field>[a-z0-9_]+)$")


def key_problem(key: str, roles: set[str]) -> str | None:
    """Why `key` is not in the vocabulary for a form with these roles; None when it is."""
    who, _, path = key.partition(".")
    if who == "case":
        return None if path in CASE_FIELDS else f"unknown case key {key!r}"
    if who not in roles:
        return f"{key!r}: {who!r} is not one of this form's people ({', '.join(sorted(roles))})"
    if path in PERSON_FIELDS:
        return None
    group, _, part = path.partition(".")
    if group in PERSON_GROUPS:
        return None if part in PERSON_GROUPS[group] else f"unknown key {key!r}"
    match = _LIST_PATH.match(path)
    if match and match["field"] in PERSON_LISTS.get(match["list"], ()):
        return None
    return f"unknown key {key!r}"


@dataclass(frozen=True)
class FieldRule:
    name: str  # the field's full AcroForm name
    key: str
    when: str = ""
    blank: str = ""
    format: str = ""
    required: bool = False


@dataclass(frozen=True)
class FormMap:
    form: str  # "I-130"
    title: str
    edition: str  # the edition the map was written against
    people: dict[str, tuple[str, ...]]  # form role -> case-member roles to try, in order
    fields: tuple[FieldRule, ...]
    leave_to_staff: tuple[str, ...]

    def rule(self, name: str) -> FieldRule | None:
        return next((rule for rule in self.fields if rule.name == name), None)


def _form_map(raw: dict, source: str) -> FormMap:
    people = {role: tuple(members) for role, members in raw.get("people", {}).items()}
    for role, members in people.items():
        unknown = [member for member in members if member not in MEMBER_ROLES]
        if unknown or not members:
            raise ValueError(f"{source}: [people] {role} lists unknown member roles {unknown}")
    rules = []
    seen = set(raw.get("leave_to_staff", ()))
    for line in raw.get("field", ()):
        rule = FieldRule(**line)
        problem = key_problem(rule.key, set(people))
        if problem:
            raise ValueError(f"{source}: {rule.name}: {problem}")
        if rule.format not in FORMATS:
            raise ValueError(f"{source}: {rule.name}: unknown format {rule.format!r}")
        if rule.name in seen:
            raise ValueError(f"{source}: {rule.name} is listed twice")
        seen.add(rule.name)
        rules.append(rule)
    return FormMap(
        form=raw["form"],
        title=raw.get("title", ""),
        edition=raw.get("edition", ""),
        people=people,
        fields=tuple(rules),
        leave_to_staff=tuple(raw.get("leave_to_staff", ())),
    )


@functools.cache
def form_maps() -> dict[str, FormMap]:
    """Every form the catalog maps, keyed by form number ("I-130")."""
    maps = {}
    for path in sorted(FORMS_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            form_map = _form_map(tomllib.load(handle), path.name)
        maps[form_map.form] = form_map
    return maps
