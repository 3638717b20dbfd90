import datetime
import decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from elaos.services.forms import (
    AnswerForm,
    ApplicationForm,
    CatalogueForm,
    DocumentsForm,
    draft_as_form_data,
    localized_from,
)

DEFINITION = {
    "form": {
        "schema": {
            "type": "object",
            "required": ["village", "born"],
            "properties": {
                "household_size": {"type": "integer", "minimum": 1, "maximum": 50},
                "village": {"type": "string", "maxLength": 40, "pattern": "^[^0-9]*$"},
                "born": {"type": "string", "format": "date"},
                "purpose": {"type": "string", "enum": ["work", "study"]},
                "story": {"type": "string"},
                "land_area": {"type": "number", "minimum": 0},
                "agrees": {"type": "boolean"},
                "nickname": {"type": "string", "title": "Nickname"},
            },
        },
        "ui": {
            "village": {"label_lo": "ບ້ານ", "label_en": "Village", "help_lo": "ຊື່ບ້ານ", "help_en": "Its name", "order": 1},
            "born": {"label_lo": "ວັນເກີດ", "label_en": "Date of birth", "order": 2},
            "household_size": {"label_lo": "ຈຳນວນຄົນ", "order": 3},
            "purpose": {"label_en": "Purpose", "choices": [{"value": "work", "label_lo": "ວຽກ", "label_en": "Work"}]},
            "story": {"label_en": "Your story", "widget": "textarea"},
        },
    }
}


def form(data: dict | None = None, language: str = "en") -> ApplicationForm:
    with translation.override(language):
        return ApplicationForm(data, definition=DEFINITION)


def test_each_schema_type_becomes_its_django_field() -> None:
    fields = form().fields

    assert isinstance(fields["household_size"], forms.IntegerField)
    assert (fields["household_size"].min_value, fields["household_size"].max_value) == (1, 50)
    assert fields["household_size"].widget.attrs["inputmode"] == "numeric"
    assert isinstance(fields["village"], forms.CharField)
    assert fields["village"].max_length == 40
    assert isinstance(fields["born"], forms.DateField)
    assert fields["born"].widget.input_type == "date"
    assert isinstance(fields["purpose"], forms.ChoiceField)
    assert isinstance(fields["story"].widget, forms.Textarea)
    assert isinstance(fields["land_area"], forms.DecimalField)
    assert isinstance(fields["agrees"], forms.BooleanField)


def test_fields_follow_the_ui_order_then_the_schema_order() -> None:
    assert list(form().fields) == [
        "village",
        "born",
        "household_size",
        "purpose",
        "story",
        "land_area",
        "agrees",
        "nickname",
    ]


def test_nothing_is_required_in_a_draft_but_required_answers_are_announced() -> None:
    built = form()

    assert not any(field.required for field in built.fields.values())
    assert built.schema_required == {"village", "born"}
    assert built.fields["village"].widget.attrs["aria-required"] == "true"
    assert "aria-required" not in built.fields["story"].widget.attrs
    assert form({}).is_valid()


@pytest.mark.parametrize(
    ("language", "label", "help_text", "choice"), [("lo", "ບ້ານ", "ຊື່ບ້ານ", "ວຽກ"), ("en", "Village", "Its name", "Work")]
)
def test_labels_help_and_choices_are_in_the_active_language(
    language: str, label: str, help_text: str, choice: str
) -> None:
    built = form(language=language)

    assert built.fields["village"].label == label
    assert built.fields["village"].help_text == help_text
    assert (("work", choice) in built.fields["purpose"].choices) is True


def test_missing_labels_fall_back_to_lao_then_the_title_then_the_name() -> None:
    built = form(language="en")

    assert built.fields["household_size"].label == "ຈຳນວນຄົນ"
    assert built.fields["nickname"].label == "Nickname"
    assert built.fields["land_area"].label == "land_area"
    assert ("study", "study") in built.fields["purpose"].choices


def test_a_choice_list_starts_empty() -> None:
    assert form().fields["purpose"].choices[0][0] == ""


def test_the_schemas_limits_are_checked() -> None:
    built = form({"household_size": "51", "village": "Ban 9", "land_area": "-1", "purpose": "sleep"})

    assert not built.is_valid()
    assert set(built.errors) == {"household_size", "village", "land_area", "purpose"}


def test_numbers_may_be_typed_with_lao_digits() -> None:
    built = form({"household_size": "໑໒", "land_area": "໒.໕"})

    assert built.is_valid(), built.errors
    assert built.cleaned_data["household_size"] == 12
    assert built.cleaned_data["land_area"] == decimal.Decimal("2.5")


def test_dates_are_read_in_iso_and_in_the_lao_day_first_order() -> None:
    assert form({"born": "1990-12-31"}).is_valid()
    built = form({"born": "31/12/1990"})

    assert built.is_valid()
    assert built.cleaned_data["born"] == datetime.date(1990, 12, 31)


def test_the_draft_keeps_valid_values_as_json_and_invalid_ones_as_typed() -> None:
    built = form(
        {
            "household_size": "lots",
            "village": "ໂພນໄຊ",
            "born": "31/12/1990",
            "story": "",
            "land_area": "2.50",
            "agrees": "on",
            "purpose": "nope",
        }
    )
    built.is_valid()

    assert built.draft_data() == {
        "household_size": "lots",
        "village": "ໂພນໄຊ",
        "born": "1990-12-31",
        "land_area": 2.5,
        "agrees": True,
        "purpose": "nope",
    }


def test_a_whole_decimal_is_kept_as_an_integer() -> None:
    built = form({"land_area": "3.0"})
    built.is_valid()

    assert built.draft_data() == {"land_area": 3}


def test_a_stored_draft_binds_back_to_the_form_as_typed() -> None:
    stored = {"household_size": "lots", "village": "ໂພນໄຊ", "born": "1990-12-31", "agrees": True, "land_area": 2.5}

    built = form(draft_as_form_data(stored))

    assert built["household_size"].value() == "lots"
    assert built["born"].value() == "1990-12-31"
    assert built.errors["household_size"]
    assert built.is_valid() is False
    built_again = form(draft_as_form_data({k: v for k, v in stored.items() if k != "household_size"}))
    assert built_again.is_valid()
    assert built_again.draft_data() == {"village": "ໂພນໄຊ", "born": "1990-12-31", "agrees": True, "land_area": 2.5}


def test_the_documents_form_offers_one_file_input_per_document() -> None:
    documents = [
        {"code": "id_card", "name_lo": "ບັດ", "name_en": "ID card", "required": True, "types": ["pdf"], "max_mb": 2},
        {"code": "photo", "name_lo": "ຮູບ", "name_en": "Photo", "types": ["jpeg", "png"], "max_mb": 10},
    ]
    with translation.override("en"):
        built = DocumentsForm(documents=documents, max_bytes=5 * 1024 * 1024)

    assert built["id_card"].html_name == "document-id_card"
    assert built.fields["id_card"].label == "ID card"
    assert built.fields["id_card"].widget.attrs["accept"] == ".pdf"
    assert built.fields["id_card"].help_text == "PDF, at most 2 MB."
    assert built.fields["photo"].widget.attrs["accept"] == ".jpeg,.jpg,.png"
    assert built.fields["photo"].help_text == "JPEG, PNG, at most 5 MB."
    assert built.is_multipart()


def test_the_documents_form_hands_every_file_to_the_upload_service_unjudged() -> None:
    empty = SimpleUploadedFile("empty.pdf", b"")
    built = DocumentsForm(
        {},
        {"document-id_card": empty},
        documents=[{"code": "id_card", "name_lo": "ບັດ", "name_en": "ID card"}],
        max_bytes=1024,
    )

    assert built.is_valid()
    assert built.cleaned_data["id_card"] is empty


def _named(code: str, name: str) -> SimpleNamespace:
    return SimpleNamespace(code=code, name_lo=name, name_en=name)


def test_the_catalogue_form_ignores_unknown_filters() -> None:
    built = CatalogueForm(
        {"q": " ໃບຢັ້ງຢືນ ", "agency": "nobody", "category": "identity"},
        agencies=[_named("molsw", "Labour")],
        life_events=[],
        categories=[_named("identity", "Identity")],
    )

    assert built.filters() == {"q": "ໃບຢັ້ງຢືນ", "agency": "", "life_event": "", "category": "identity"}


def test_an_answer_is_required() -> None:
    assert not AnswerForm({"answer": "  "}).is_valid()
    assert AnswerForm({"answer": "ສົ່ງແລ້ວ"}).is_valid()


def test_localized_from_reads_a_definition_mapping() -> None:
    mapping = {"name_lo": "ບັດ", "name_en": ""}

    assert localized_from(mapping, "name", language="en") == "ບັດ"
    assert localized_from({"name_lo": "ບັດ", "name_en": "Card"}, "name", language="en") == "Card"
