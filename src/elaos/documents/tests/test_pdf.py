"""Lao text renders with the vendored font, the PAdES signature validates, and any change breaks it.
WeasyPrint is slow: the signed PDF is rendered once for the module."""

import base64
import io
import re
import types
import uuid
import zlib
from pathlib import Path

import pytest
import segno
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from elaos.documents import keys, pades, pdf

CODE = "ELA1.test-code.0123456789abcdef.signature"
pytestmark = pytest.mark.usefixtures("real_rendering")


class Holder:
    given_name_lo, family_name_lo = "ສົມໃຈ", "ແສງສຸລິຍາ"
    given_name_latin, family_name_latin = "Somchai", "Sengsouliya"

    def get_full_name(self) -> str:
        return "ສົມໃຈ ແສງສຸລິຍາ"


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    context = {
        "document": types.SimpleNamespace(
            public_id=uuid.uuid4(), title_lo="ໃບຢັ້ງຢືນການເກີດ", title_en="Birth certificate"
        ),
        "holder": Holder(),
        "issuer": types.SimpleNamespace(name_lo="ກະຊວງສາທາລະນະສຸກ", name_en="Ministry of Health"),
        "payload": CODE,
        "verify_page": "https://e-laos.gov.la/verify/",
        "qr_data_uri": pdf.qr_data_uri(f"https://e-laos.gov.la/verify/?c={CODE}"),
        "issued_on_lo": "1 ມີນາ 2025",
        "issued_on_en": "March 1, 2025",
    }
    return pdf.render_and_sign(template_name="documents/certificate_base.html", context=context, verification_code=CODE)


def _validation_context() -> ValidationContext:
    return ValidationContext(trust_roots=pades._certificates(keys.ca_certificate_pem()), allow_fetching=False)


def _validate(data: bytes):  # type: ignore[no-untyped-def]
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(signature, _validation_context())


def test_the_pades_signature_validates_against_the_development_ca(signed_pdf: bytes) -> None:
    status = _validate(signed_pdf)

    assert status.bottom_line
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signature = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0]
    assert signature.field_name == "Signature"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_lao_text_uses_the_vendored_noto_sans_lao(signed_pdf: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(signed_pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]

    names = {str(font["/BaseFont"]).split("+")[-1] for font in fonts}
    assert names == {"Noto-Sans-Lao", "Noto-Sans-Lao-Bold"}
    # The text stays extractable as Lao: the fonts map glyphs back to Lao code points (ສ is U+0EAA).
    to_unicode = b"".join(font["/ToUnicode"].data for font in fonts)
    assert re.search(rb"<0[eE][aA][aA]>", to_unicode)
    assert str(reader.root["/Lang"]) == "lo"


def test_the_qr_image_is_the_verification_links_code_printed_without_smoothing(signed_pdf: bytes) -> None:
    link = f"https://e-laos.gov.la/verify/?c={CODE}"
    uri = pdf.qr_data_uri(link)
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("1")
    modules = segno.make(link, error="m", micro=False).matrix
    border = 4
    assert image.size == (len(modules) + 2 * border,) * 2  # one pixel per module
    assert [
        [image.getpixel((x + border, y + border)) == 0 for x in range(len(row))] for y, row in enumerate(modules)
    ] == [[bool(module) for module in row] for row in modules]
    # In the PDF: one image of that size, drawn with interpolation off (sharp squares at any print size).
    reader = PdfFileReader(io.BytesIO(signed_pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
    assert [(i["/Width"], i["/Height"], i.get("/Interpolate")) for i in images] == [(*image.size, False)]


def test_the_pdf_carries_its_verification_code_under_the_signature(signed_pdf: bytes) -> None:
    check = pades.check_pdf(signed_pdf, ca_certificate_pem=keys.ca_certificate_pem())

    assert check.signature_valid
    assert check.verification_code == CODE
    assert check.matches(CODE)
    assert not check.matches(CODE + "x")


def test_a_changed_byte_in_the_signed_range_fails(signed_pdf: bytes) -> None:
    signature = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0]
    start, length = signature.byte_range[0], signature.byte_range[1]
    tampered = bytearray(signed_pdf)
    # Inside a compressed stream a flipped bit still parses; the signature must catch it anyway.
    tampered[start + length // 2] ^= 0x01

    status = _validate(bytes(tampered))

    assert not status.intact
    assert not status.bottom_line
    assert not pades.check_pdf(bytes(tampered), ca_certificate_pem=keys.ca_certificate_pem()).signature_valid


def test_an_update_appended_after_signing_fails_the_check(signed_pdf: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    writer.root["/ELaosVerificationCode"] = pades.generic.TextStringObject("ELA1.another")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    check = pades.check_pdf(out.getvalue(), ca_certificate_pem=keys.ca_certificate_pem())

    assert not check.signature_valid
    assert check.verification_code is None


def test_another_ca_is_not_trusted(signed_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELAOS_KEYS_DIR", str(tmp_path))

    assert not pades.check_pdf(signed_pdf, ca_certificate_pem=keys.ca_certificate_pem()).signature_valid


def test_garbage_is_not_a_valid_pdf() -> None:
    assert not pades.check_pdf(b"%PDF-1.7 nothing here", ca_certificate_pem=keys.ca_certificate_pem()).signature_valid
    assert not pades.check_pdf(zlib.compress(b"x"), ca_certificate_pem="").signature_valid


@pytest.mark.parametrize("url", ["file:///etc/passwd", "https://example.com/logo.png", "ftp://example.com/x"])
def test_templates_cannot_make_weasyprint_fetch_other_files_or_urls(url: str) -> None:
    fetcher = pdf._Fetcher(allowed=[Path(pdf.finders.find("fonts/NotoSansLao-Regular.woff2")).parent])

    with pytest.raises(ValueError, match="may not"):
        fetcher.fetch(url)


def test_the_font_and_data_uris_are_allowed() -> None:
    font = Path(pdf.finders.find("fonts/NotoSansLao-Regular.woff2"))
    fetcher = pdf._Fetcher(allowed=[font.parent])

    for url in (font.as_uri(), "data:text/plain,hello"):
        response = fetcher.fetch(url)
        assert response.status == 200 or response.status is None
