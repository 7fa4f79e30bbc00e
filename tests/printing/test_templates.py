"""Which badge template a job uses: the job's, else the printer's, else the category's (settings), else
the printer profile's default."""

from __future__ import annotations

from checkin_desk.printing import (
    CATEGORY_TEMPLATES_SETTING,
    Dispatcher,
    PrinterConfig,
    add_printer,
    choose_template,
    get_job,
)


def test_choose_template_order():
    by_category = {"speaker": "thermal-58"}
    assert choose_template("a6", "thermal-80", by_category, "speaker") == "a6"
    assert choose_template(None, "thermal-80", by_category, "speaker") == "thermal-80"
    assert choose_template(None, None, by_category, "speaker") == "thermal-58"
    assert choose_template(None, None, by_category, "visitor") is None


def test_the_print_path_honours_the_category_templates_of_the_settings(
    store, desk, emulator, renderer, clock
):
    add_printer(store, PrinterConfig("thermal-1", "escpos-network", emulator.address, "TM-T20II"))
    store.set_setting(CATEGORY_TEMPLATES_SETTING, {"speaker": "thermal-58", "visitor": ""})
    dispatcher = Dispatcher(store, "desk-1", renderer=renderer, clock=clock)

    def printed_with(code: str, **reprint) -> str:
        job_id = desk.reprint(code, **reprint) if reprint else desk.scan(code).print_job_id
        assert dispatcher.attempt(get_job(store, job_id)).state == "printed"
        return renderer.calls[-1][1]

    assert printed_with("SCE-2") == "thermal-58"  # a speaker: the category's template
    assert printed_with("SCE-1") == "thermal-80"  # a visitor: none chosen, the profile's default
    assert printed_with("SCE-2", reason="torn", allowed_by="sup", template="thermal-80") == "thermal-80"
    add_printer(
        store,
        PrinterConfig("thermal-1", "escpos-network", emulator.address, "TM-T20II", template="thermal-80"),
        replace=True,
    )
    # A speaker again: the printer's own template comes before the category's.
    assert printed_with("SCE-2", reason="lost", allowed_by="sup") == "thermal-80"
    assert emulator.wait_for_badges(4)
