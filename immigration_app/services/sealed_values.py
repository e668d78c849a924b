"""Small secrets kept in database columns, encrypted with the document key.

A copy of the database (a backup, a support dump) must not be enough to sign in as anyone, so a
value such as an authenticator secret is stored as AES-256-GCM ciphertext. The key is derived from
the document key (services/storage.py), which lives apart from the database. The caller names what
the value belongs to (e.g. "totp:user:7"); that name is bound in as associated data, so a sealed
value copied onto another row does not open there.

    sealed = seal_text("JBSWY3DPEHPK3PXP", bound_to="totp:user:7")   # URL-safe base64 text
    open_text(sealed, bound_to="totp:user:7")                         # "JBSWY3DPEHPK3PXP"
"""

from __future__ import annotations

import base64
import binascii
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from immigration_app.services.storage import document_key

# A different key from the documents' own: one purpose per key.
_HKDF_INFO = b"case-desk sealed column value v1"
_NONCE_SIZE = 12


class SealedValueUnreadable(ValueError):
    """The value was changed, belongs elsewhere, or was sealed with another key."""


@functools.cache
def _aead(key: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(key)
    return AESGCM(derived)


def seal_text(plaintext: str, *, bound_to: str) -> str:
    nonce = os.urandom(_NONCE_SIZE)
    sealed = _aead(document_key()).encrypt(nonce, plaintext.encode(), bound_to.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def open_text(sealed: str, *, bound_to: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        plaintext = _aead(document_key()).decrypt(
            raw[:_NONCE_SIZE], raw[_NONCE_SIZE:], bound_to.encode()
        )
    except (binascii.Error, ValueError, InvalidTag) as error:
        raise SealedValueUnreadable(f"The sealed value for {bound_to} cannot be read.") from error
    return plaintext.decode()
