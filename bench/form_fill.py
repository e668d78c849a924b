"""Filling the real I-130 with 120 mapped fields: in-process, against pdftk as a whole process.

Takes the first 120 fields of the catalog's I-130 map (text and checkboxes), gives each a value
that fits its box, and fills the blank form 20 times with `services.pdf_forms.fill_pdf` (the
filler the app uses: an incremental update with appearance streams, /XFA dropped, /Perms
removed). The first fill of a form parses what it touches and keeps it; that cold fill is
reported apart (`first_fill_ms`). `verify_ms` is the re-read the app does after every fill.

Baseline, same run: `pdftk i-130.pdf fill_form data.fdf output out.pdf drop_xfa` (pdftk-java,
what docassemble uses), timed as a whole process, 20 times. Both outputs are checked to hold the
values. Needs the real forms (../shared/forms, or USCIS_FORMS_DIR) and pdftk (`apt-get install pdftk-java`).
Last line: one JSON object.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from immigration_app.catalog.form_maps import form_maps
from immigration_app.services.pdf_forms import fill_pdf, read_blank_form, read_values

FORMS = (
    os.environ.get("USCIS_FORMS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "forms"
)
FORM = Path(FORMS) / "i-130.pdf"
FIELDS = 120
RUNS = 20


def _values(blanks) -> dict[str, str | bool]:
    values: dict[str, str | bool] = {}
    for rule in form_maps()["I-130"].fields[:FIELDS]:
        blank = blanks[rule.name]
        if blank.kind in ("checkbox", "radio"):
            values[rule.name] = True
        else:
            values[rule.name] = f"Value {len(values)} Garcia Lopez"[: blank.limit or 40]
    return values


def _fdf(values: dict[str, str | bool], blanks) -> bytes:
    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    def pdf_name(state: str) -> str:  # "APT " is /APT#20 in PDF syntax
        return "".join(c if c.isalnum() else f"#{ord(c):02X}" for c in state)

    fields = []
    for name, value in values.items():
        if value is True:
            fields.append(f"<< /T ({text(name)}) /V /{pdf_name(blanks[name].on_states[0])} >>")
        else:
            fields.append(f"<< /T ({text(name)}) /V ({text(value)}) >>")
    body = "\n".join(fields)
    return (
        f"%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [\n{body}\n] >> >>\nendobj\n"
        "trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    ).encode("latin-1")


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def main() -> None:
    if not FORM.exists() or shutil.which("pdftk") is None:
        sys.exit(f"needs {FORM} and pdftk (apt-get install pdftk-java)")
    template = FORM.read_bytes()
    blanks = {field.name: field for field in read_blank_form(template).fields}
    values = _values(blanks)

    started = time.perf_counter()
    filled = fill_pdf(template, blanks, values)
    first = time.perf_counter() - started
    fills = []
    for _ in range(RUNS):
        started = time.perf_counter()
        filled = fill_pdf(template, blanks, values)
        fills.append(time.perf_counter() - started)
    started = time.perf_counter()
    assert filled.unreadable() == []
    verify = time.perf_counter() - started
    assert len(filled.written) == len(values)

    with tempfile.TemporaryDirectory() as folder:
        fdf, out = Path(folder) / "data.fdf", Path(folder) / "out.pdf"
        fdf.write_bytes(_fdf(values, blanks))
        command = ["pdftk", str(FORM), "fill_form", str(fdf), "output", str(out), "drop_xfa"]
        baseline = []
        for _ in range(RUNS):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            baseline.append(time.perf_counter() - started)
        pdftk_values = read_values(out.read_bytes())
        assert all(pdftk_values[name] for name in values), "pdftk left fields empty"

    fill_ms, pdftk_ms = _median_ms(fills), _median_ms(baseline)
    print(f"I-130, {len(values)} fields, {RUNS} fills each")
    print(f"  in-process fill: median {fill_ms} ms (first fill {round(first * 1000, 1)} ms)")
    print(f"  re-read to verify: {round(verify * 1000, 1)} ms")
    print(f"  pdftk process:   median {pdftk_ms} ms")
    result = {
        "bench": "form_fill",
        "fields": len(values),
        "fill_ms_median": fill_ms,
        "first_fill_ms": round(first * 1000, 1),
        "verify_ms": round(verify * 1000, 1),
        "baseline": "pdftk",
        "pdftk_ms_median": pdftk_ms,
        "ratio": round(fill_ms / pdftk_ms, 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
