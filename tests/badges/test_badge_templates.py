"""Templates are checked when loaded; a wrong one is refused with a message naming the element."""

from __future__ import annotations

import json

import pytest

from checkin_desk.badges import Template, TemplateError, load_template, template_names

GOOD = {
    "name": "t",
    "width": 72,
    "height": 100,
    "elements": [
        {"id": "name", "type": "text", "x": 2, "y": 2, "w": 68, "h": 20, "text": "{full_name}"},
        {"id": "qr", "type": "qr", "x": 20, "y": 60, "size": 32},
    ],
}


def _write(tmp_path, data) -> str:
    path = tmp_path / "custom.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _broken(tmp_path, **changes):
    data = json.loads(json.dumps(GOOD))
    data["elements"][0].update(changes)
    with pytest.raises(TemplateError) as err:
        load_template(_write(tmp_path, data))
    return str(err.value)


def test_shipped_templates_load():
    assert {"thermal-80", "thermal-58", "a6", "a4-sheet"} <= set(template_names())
    for name in template_names():
        assert isinstance(load_template(name), Template)
    assert load_template("thermal-80").mode == "mono" and load_template("a6").mode == "colour"
    assert load_template("a4-sheet").sheet is not None


def test_printable_widths():
    assert load_template("thermal-80").width == 72
    assert load_template("thermal-58").width == 48


def test_custom_template_by_path(tmp_path):
    assert load_template(_write(tmp_path, GOOD)).elements[0].id == "name"


def test_unknown_field_is_named(tmp_path):
    message = _broken(tmp_path, text="{full_name} {nickname}")
    assert "'name'" in message and "{nickname}" in message


def test_element_off_the_page_is_named(tmp_path):
    message = _broken(tmp_path, x=10, w=70)
    assert "'name'" in message and "off the page" in message and "80" in message


def test_negative_position_is_off_the_page(tmp_path):
    assert "off the page" in _broken(tmp_path, y=-3)


def test_unknown_setting_is_named(tmp_path):
    assert "font_colour" in _broken(tmp_path, font_colour="#000000")


def test_bad_colour(tmp_path):
    assert "colour" in _broken(tmp_path, colour="red")


def test_unknown_element_type(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["elements"].append({"id": "pic", "type": "photo", "x": 0, "y": 0, "w": 1, "h": 1})
    with pytest.raises(TemplateError, match=r"'pic'.*unknown type"):
        load_template(_write(tmp_path, data))


def test_unknown_template_name_lists_the_known_ones():
    with pytest.raises(TemplateError, match="thermal-80"):
        load_template("no-such-template")


def test_malformed_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot read"):
        load_template(str(path))


def test_sheet_that_does_not_fit(tmp_path):
    data = dict(GOOD, sheet={"page": "A4", "columns": 3, "rows": 3})
    with pytest.raises(TemplateError, match="does not fit"):
        load_template(_write(tmp_path, data))


def test_sheet_template_refused_for_a_roll_printer(event, categories):
    from checkin_desk.badges import render_badge_raster
    from checkin_desk.domain.models import Attendee

    with pytest.raises(TemplateError, match="sheet"):
        render_badge_raster(Attendee("X"), event=event, categories=categories, template="a4-sheet")


@pytest.mark.parametrize("grow_from", [-1, 60, 70, "top"])
def test_a_qr_growing_from_below_its_top_or_off_the_page_is_refused(tmp_path, grow_from):
    data = json.loads(json.dumps(GOOD))
    data["elements"][1]["grow_from"] = grow_from
    with pytest.raises(TemplateError, match=r"'qr'.*grow_from must be a number of mm from 0 up to .* \(60\)"):
        load_template(_write(tmp_path, data))
    data["elements"][1]["grow_from"] = 5
    assert load_template(_write(tmp_path, data)).elements[1].grow_from == 5.0
