from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elaos.documents import payload

MAX_PDF_BYTES = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code or link"),
        help_text=_("Paste the code printed under the QR code, or the link your phone opened when it scanned it."),
        max_length=payload.MAX_LENGTH + 200,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
    )
    pdf = forms.FileField(
        label=_("PDF file"),
        help_text=_("To check that a PDF you received is exactly the file that was issued, choose it here."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self) -> object:
        pdf = self.cleaned_data.get("pdf")
        if pdf and pdf.size > MAX_PDF_BYTES:
            raise ValidationError(_("The file is too large to be an e-Laos document."))
        return pdf
