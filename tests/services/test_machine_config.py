"""The machine's config.json, edited by hand: a value of the wrong type falls back to its default."""

from __future__ import annotations

import json

from checkin_desk.util.config import MachineConfig, config_dir


def test_wrong_types_fall_back_to_the_defaults_and_the_rest_is_kept():
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.json").write_text(
        json.dumps({"desk_name": "Porte B", "sound_volume": "loud", "sound_muted": 1, "language": 3}),
        encoding="utf-8",
    )
    config = MachineConfig.load()
    assert (config.desk_name, config.sound_volume, config.sound_muted, config.language) == (
        "Porte B",
        70,
        False,
        "fr",
    )
    config.sound_volume, config.sound_muted = 30, True
    config.save()
    assert (MachineConfig.load().sound_volume, MachineConfig.load().sound_muted) == (30, True)


def test_a_config_that_is_not_an_object_is_ignored():
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.json").write_text("[1, 2, 3]", encoding="utf-8")
    assert MachineConfig.load() == MachineConfig()
