"""Message wording: choose the firm's or the catalog's text, check an edit, fill placeholders.

Placeholders look like str.format's, `{client_name}`, with `{{` and `}}` for a literal brace,
but only bare names are allowed: no `{name.attr}`, `{name[0]}` or `{name:>10}`. Filling is done
here by hand rather than with str.format, so a template an admin wrote can never reach an
attribute of a value, and an odd brace in an old saved text cannot stop a sweep.

The rules on mistakes:
- `check_template` (when an admin saves) refuses an unknown placeholder, a lone brace and an
  empty subject or body, with a sentence that says what can be used instead.
- `render` (when a message is sent) never fails: a placeholder without a value becomes empty
  text, and a lone brace is kept as written. A reminder with one blank field still helps its
  reader; a reminder that never goes out does not. A "Label: {value}" line whose values are all
  empty is left out (an appointment without a known time shows no bare "Time:"), and the gaps
  that empty lines leave are closed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from immigration_app.catalog.message_templates import LANGUAGES, message_templates
from immigration_app.services.errors import InvalidInput

# Longest subject template an admin may save; values still have to fit after it.
SUBJECT_TEMPLATE_LIMIT = 200
# A rendered subject is cut to this (the Message table's column; mail apps show far less).
SUBJECT_LIMIT = 300

# Scanned left to right, so "{{" and "}}" are taken as escapes before a field can start there.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# "Time: {appointment_time}": a short label, a colon, then nothing but placeholders.
_LABEL_LINE = re.compile(r"\s*[^{}:]{1,40}:(?:\s*\{[A-Za-z_][A-Za-z0-9_]*\})+\s*")
_NO_OVERRIDES: Mapping[tuple[str, str], tuple[str, str]] = MappingProxyType({})


# --- choosing the text ----------------------------------------------------------------------------


def template_text(
    key: str,
    language: str,
    overrides: Mapping[tuple[str, str], tuple[str, str]] = _NO_OVERRIDES,
) -> tuple[str, str]:
    """The (subject, body) to use for template `key` in `language`.

    `overrides` maps (key, language) to the firm's own wording; without one the catalog's
    default is used. A language the catalog does not have ("fr", "") falls back to English.
    Raises KeyError for a template key that is not in the catalog.
    """
    template = message_templates()[key]
    language = _supported(language)
    if (key, language) in overrides:
        return overrides[(key, language)]
    text = template.text(language)
    return text.subject, text.body


def _supported(language: str) -> str:
    base = (language or "").strip().lower().split("-")[0]  # "es-MX" reads as "es"
    return base if base in LANGUAGES else "en"


# --- filling it in --------------------------------------------------------------------------------


def render(subject: str, body: str, values: Mapping[str, str]) -> tuple[str, str]:
    """The subject and body with each {name} replaced by values[name] ("" when missing)."""
    filled_subject = " ".join(_fill(subject, values).split())
    lines = body.replace("\r\n", "\n").split("\n")
    kept = "\n".join(line for line in lines if not _empty_label_line(line, values))
    return filled_subject[:SUBJECT_LIMIT], _tidy(_fill(kept, values))


def _empty_label_line(line: str, values: Mapping[str, str]) -> bool:
    if not _LABEL_LINE.fullmatch(line):
        return False
    names = (match.group(1) for match in _TOKEN.finditer(line) if match.group(1))
    return not any(str(values.get(name, "")).strip() for name in names)


def _fill(text: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            return token[0]
        if name is None:
            return token  # a lone brace, kept as written
        return str(values.get(name, ""))

    return _TOKEN.sub(replace, text)


def _tidy(body: str) -> str:
    # An empty value on a line of its own (an explanation, a next step) would leave a gap of
    # several blank lines; trailing spaces are what a blank value at a line's end leaves.
    lines = [line.rstrip() for line in body.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- checking an edit -----------------------------------------------------------------------------


def check_template(key: str, subject: str, body: str) -> None:
    """Refuse wording that could not be sent as the admin meant it.

    Raises InvalidInput with a sentence for "subject" and/or "body".
    """
    template = message_templates().get(key)
    if template is None:
        raise InvalidInput({"template": f"There is no message template {key!r}."})
    allowed = template.placeholders
    errors = {}
    if not subject.strip():
        errors["subject"] = "Write a subject."
    elif any(breaks in subject.strip() for breaks in "\r\n"):
        errors["subject"] = "Keep the subject on one line."
    elif len(subject) > SUBJECT_TEMPLATE_LIMIT:
        errors["subject"] = f"Keep the subject under {SUBJECT_TEMPLATE_LIMIT} characters."
    else:
        errors["subject"] = _problem(subject, allowed)
    errors["body"] = _problem(body, allowed) if body.strip() else "Write the message."
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise InvalidInput(errors)


def _problem(text: str, allowed: tuple[str, ...]) -> str:
    """A sentence about the first kind of mistake in `text`, or "" when there is none."""
    unknown, lone = [], []
    for match in _TOKEN.finditer(text):
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            continue
        if name is None:
            lone.append(match.start())
        elif not (_NAME.fullmatch(name) and name in allowed) and token not in unknown:
            unknown.append(token)
    if unknown:
        return _unknown_sentence(unknown, allowed)
    if lone:
        return _lone_brace_sentence(text, lone[0])
    return ""


def _unknown_sentence(unknown: list[str], allowed: tuple[str, ...]) -> str:
    noun = "Unknown placeholder" if len(unknown) == 1 else "Unknown placeholders"
    choices = ", ".join(f"{{{name}}}" for name in allowed)
    return f"{noun} {', '.join(unknown)}. You can use: {choices}."


def _lone_brace_sentence(text: str, position: int) -> str:
    brace = text[position]
    partner = "}" if brace == "{" else "{"
    near = " ".join(text[max(position - 20, 0) : position + 20].split())
    return (
        f'There is a "{brace}" without its "{partner}" (near "{near}"). Write a placeholder as '
        f"{{name}}; to show a brace itself, write it twice: {brace}{brace}."
    )
