"""A marriage case ready for its filing packet: real USCIS forms loaded and filled, documents
uploaded through the real upload path and accepted, and the cover letter's addressee set.

Used by the packet and review tests, the browser test's setup and bench/packet.py.
"""

from __future__ import annotations

from sqlmodel import Session, select

from immigration_app.models import Case, User
from immigration_app.services import storage
from immigration_app.services.checklists import item_by_code
from immigration_app.services.cover_letter import case_letter, save_case_letter
from immigration_app.services.documents import accept_item, add_file
from immigration_app.services.form_filling import fill_form
from immigration_app.services.form_library import current_template, load_form
from immigration_app.services.users import viewer_of
from immigration_app.services.viewer import Viewer
from tests.files import jpeg_bytes, pdf_bytes
from tests.form_profiles import FORMS_DIR, make_marriage_case

ADDRESSEE = "USCIS\nAttn: I-130/I-485\nP.O. Box 4436\nChicago, IL 60680-4436"
# (role, checklist code, file name): the documents accepted on the case, in upload order.
DOCUMENTS = (
    ("petitioner", "status-proof", "us-passport.pdf"),
    ("petitioner", "marriage-certificate", "marriage-certificate.pdf"),
    ("beneficiary", "passport", "pasaporte.jpg"),
)


def admin_of(session: Session) -> Viewer:
    """Loading forms is an admin's work; the firm's first admin, or a new one."""
    from tests.factories import make_viewer

    admin = session.exec(select(User).where(User.role == "admin", User.is_active)).first()
    return viewer_of(admin) if admin else make_viewer(session, role="admin")


def load_forms(session: Session, numbers: tuple[str, ...]) -> None:
    """Load the real blank forms the library does not have yet."""
    admin = admin_of(session)
    for number in numbers:
        if current_template(session, number) is None:
            data = (FORMS_DIR / f"{number.lower()}.pdf").read_bytes()
            load_form(session, actor=admin, data=data, original_name=f"{number.lower()}.pdf")


def accept_document(
    session: Session, actor: Viewer, case: Case, role: str, code: str, name: str, data: bytes
) -> None:
    item = item_by_code(session, case, role, code)
    with storage.start_upload(name) as upload:
        upload.write(data)
        add_file(session, item=item, staged=upload.finish(), uploaded_by=actor)
    accept_item(session, actor=actor, reference=case.reference, item_id=item.id)


def make_ready_case(
    session: Session,
    *,
    actor: Viewer,
    forms: tuple[str, ...] = ("G-1145", "I-130"),
    documents: tuple[tuple[str, str, str], ...] = DOCUMENTS,
) -> Case:
    """A marriage case with `forms` filled and `documents` accepted, its letter addressed."""
    load_forms(session, forms)
    case = make_marriage_case(session, actor=actor)
    for number in forms:
        fill_form(session, actor=actor, reference=case.reference, form_number=number)
    for role, code, name in documents:
        data = jpeg_bytes() if name.endswith(".jpg") else pdf_bytes()
        accept_document(session, actor, case, role, code, name, data)
    letter = case_letter(session, case, list(forms))
    save_case_letter(
        session,
        actor=actor,
        reference=case.reference,
        addressee=ADDRESSEE,
        subject=letter.subject,
        body=letter.body,
    )
    return case
