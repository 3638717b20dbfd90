"""PAdES baseline B-B signatures with pyHanko, and their check.

Before signing, the document's verification code is written into the PDF catalogue (`/ELaosVerificationCode`),
so the signature covers it along with the printed QR. A verifier holding only the PDF and the published CA
certificate can then tell which code the file belongs to, and that not one byte changed since it was signed.

No Django here: the offline verifier imports this module.
"""

import functools
import io
import logging
from dataclasses import dataclass

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from elaos.documents.keys import PdfSigningFiles

CODE_KEY = "/ELaosVerificationCode"
FIELD_NAME = "Signature"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfCheck:
    signature_valid: bool
    verification_code: str | None

    def matches(self, code: str) -> bool:
        return self.signature_valid and self.verification_code == code


def sign_pdf(pdf: bytes, *, files: PdfSigningFiles, verification_code: str = "") -> bytes:
    paths = (files.key, files.certificate, files.ca_certificate)
    signer = _signer(tuple(str(path) for path in paths), tuple(path.stat().st_mtime_ns for path in paths))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if verification_code:
        writer.root[CODE_KEY] = generic.TextStringObject(verification_code)
        writer.update_root()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    # Reserving room for the signature up front spares pyHanko a trial signature to measure it; the
    # certificates are most of its size.
    reserved = 4096 + sum(path.stat().st_size for path in paths)
    output = signers.PdfSigner(metadata, signer).sign_pdf(writer, bytes_reserved=reserved)
    return output.getvalue()


@functools.lru_cache(maxsize=4)
def _signer(paths: tuple[str, str, str], mtimes: tuple[int, ...]) -> signers.SimpleSigner:
    """Loading the key and certificates is slower than signing; reload only when a file changes."""
    key, certificate, ca_certificate = paths
    loaded = signers.SimpleSigner.load(key, certificate, ca_chain_files=(ca_certificate,))
    if loaded is None:
        raise RuntimeError(f"cannot load the PDF signing key or certificate {key}, {certificate}")
    return _KeptKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every signature, and parsing an RSA key
    (which checks it) costs more than the rest of signing a certificate. This one keeps the parsed key."""

    @functools.cached_property
    def _private_key(self) -> rsa.RSAPrivateKey | None:
        key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        return key if isinstance(key, rsa.RSAPrivateKey) else None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and self._private_key is not None:
            return self._private_key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def check_pdf(pdf: bytes, *, ca_certificate_pem: str) -> PdfCheck:
    """Is the file signed by a certificate that the CA issued, untouched since (the signature covers the
    whole file), and which verification code does it carry?"""
    trust_roots = _certificates(ca_certificate_pem)
    if not trust_roots:
        # An empty list would not mean "trust nothing" to every validator; refuse outright.
        return PdfCheck(False, None)
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return PdfCheck(False, None)
        context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
        status = validate_pdf_signature(signatures[0], context)
        valid = status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        code = reader.root.get(CODE_KEY)
    except Exception:
        # A damaged or hostile file is simply "not a valid document"; the reason goes to the log.
        logger.info("PDF check failed", exc_info=True)
        return PdfCheck(False, None)
    return PdfCheck(valid, str(code) if valid and code is not None else None)


def _certificates(pem_text: str) -> list[asn1_x509.Certificate]:
    try:
        return [
            asn1_x509.Certificate.load(der)
            for kind, _headers, der in pem.unarmor(pem_text.encode("ascii"), multiple=True)
            if kind == "CERTIFICATE"
        ]
    except ValueError:
        return []
