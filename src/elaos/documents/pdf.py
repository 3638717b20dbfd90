"""HTML templates to signed PDF: Django renders the template, WeasyPrint lays it out (Pango and HarfBuzz shape
Lao), pyHanko signs it (PAdES B-B).

Templates get the vendored Noto Sans Lao through `file://` URLs, and relative URLs (an emblem: `img/...`) resolve
against the project's static directory. WeasyPrint may read nothing else from disk or the network (see
`_Fetcher`), so no value placed in a template can pull in a private file or an outside URL.
"""

import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
import weasyprint
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.text.fonts import FontConfiguration

from elaos.documents import keys, pades

FONT_FILES = {400: "fonts/NotoSansLao-Regular.woff2", 700: "fonts/NotoSansLao-Bold.woff2"}
# Archival and accessible (tagged) profile for government records; the PAdES signature is an incremental
# update, which PDF/A-2 allows.
PDF_VARIANT = "pdf/a-2a"

_thread_fonts = threading.local()


def qr_data_uri(text: str) -> str:
    """A QR code as a PNG data: URI for <img src>, one pixel per module: the template prints it without smoothing
    (`image-rendering: pixelated`), so every module stays a sharp square at any size. (As an SVG path the same code
    cost WeasyPrint ≈ 50 ms of CPU to lay out; the PNG is embedded as it is.) Error correction M survives a crease
    or a stamp."""
    return segno.make(text, error="m", micro=False).png_data_uri(scale=1, border=4)


def render_pdf(*, template_name: str, context: dict[str, Any]) -> bytes:
    # Labels come in both languages through {% language %} blocks; the rest renders in Lao.
    with translation.override("lo"):
        html = render_to_string(template_name, context)
    font_config, font_faces, fetcher = _fonts()
    document = weasyprint.HTML(string=html, base_url=fetcher.allowed[0].as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[font_faces], font_config=font_config, pdf_variant=PDF_VARIANT)


def render_and_sign(*, template_name: str, context: dict[str, Any], verification_code: str = "") -> bytes:
    """The signed PDF bytes. `verification_code` (the QR payload) is also written into the signed file."""
    pdf = render_pdf(template_name=template_name, context=context)
    return pades.sign_pdf(pdf, files=keys.pdf_signing_files(), verification_code=verification_code)


def _fonts() -> tuple[FontConfiguration, weasyprint.CSS, "_Fetcher"]:
    """Decoding the WOFF2 fonts costs ten times the rendering of a certificate, so each thread loads them once
    and reuses them (a FontConfiguration is not shared between threads)."""
    if not hasattr(_thread_fonts, "loaded"):
        fonts = _font_paths()
        # src/elaos/static/, which holds fonts/ and img/: public, vendored files only.
        fetcher = _Fetcher(allowed=[path.parent.parent for path in fonts.values()])
        font_config = FontConfiguration()
        font_faces = "\n".join(
            f'@font-face {{ font-family: "Noto Sans Lao"; font-style: normal; font-weight: {weight}; '
            f'src: url("{path.as_uri()}") format("woff2"); }}'
            for weight, path in fonts.items()
        )
        stylesheet = weasyprint.CSS(string=font_faces, font_config=font_config, url_fetcher=fetcher)
        _thread_fonts.loaded = (font_config, stylesheet, fetcher)
    return _thread_fonts.loaded


def _font_paths() -> dict[int, Path]:
    paths = {}
    for weight, name in FONT_FILES.items():
        found = finders.find(name)
        if not found:
            raise FileNotFoundError(f"static file {name} (Noto Sans Lao) is missing")
        paths[weight] = Path(found if isinstance(found, str) else found[0]).resolve()
    return paths


class _Fetcher(weasyprint.URLFetcher):
    """Only data: URIs (the QR code) and files inside the allowed (static) directories."""

    def __init__(self, *, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols=["data", "file"])
        self.allowed = [path.resolve() for path in allowed]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(os.path.realpath(unquote(parts.path)))
            if not any(path.is_relative_to(root) for root in self.allowed):
                raise ValueError(f"WeasyPrint may not read {url}")
        elif parts.scheme != "data":
            raise ValueError(f"WeasyPrint may not fetch {url}")
        return super().fetch(url, headers)
