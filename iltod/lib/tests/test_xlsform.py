import io

import pytest
from openpyxl import load_workbook

from iltod.lib.xlsform import XLSFormError, columns, convert, labels, translated, workbook


def test_columns_name_mongolian_before_english():
    assert columns("label") == ["label::Mongolian (mn)", "label::English (en)"]


def test_a_missing_label_is_filled_by_the_other_language():
    assert labels("", "School") == ["School", "School"]
    assert labels("Сургууль", "") == ["Сургууль", "Сургууль"]


def test_a_translatable_string_comes_in_both_languages():
    from django.utils.translation import gettext_lazy

    mn, en = translated(gettext_lazy("Yes"))
    assert en == "Yes"
    assert mn != en


def test_the_sheets_are_written_with_their_headers_in_order():
    content = workbook((("survey", ["type", "name"], [["text", "q"]]), ("settings", None, [["form_id"], ["x"]])))
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["survey", "settings"]
    assert [c.value for c in book["survey"][1]] == ["type", "name"]
    assert book["settings"]["A2"].value == "x"


def test_a_small_form_converts_and_a_broken_one_raises_with_pyxform_message():
    survey = ("survey", ["type", "name", *columns("label")], [["text", "q", "Асуулт", "Question"]])
    result = convert(workbook((survey,)))
    assert "<h:title>" in result.xform
    broken = ("survey", ["type", "name", *columns("label")], [["select_one nowhere", "q", "А", "Q"]])
    with pytest.raises(XLSFormError, match="choices sheet"):
        convert(workbook((broken,)))
