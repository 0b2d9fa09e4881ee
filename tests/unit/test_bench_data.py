"""The benchmark data generator's pure parts: identities the addons accept, seeded and scaled counts."""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench_data  # noqa: E402

from crm_receivables.tools import phone, ru_ids  # noqa: E402


def test_inn_are_valid_and_distinct():
    """Generated customers carry valid ИНН (the addon's check accepts them), none shared with the 1C file's."""
    inns = [bench_data.inn10(number) for number in range(2000)]
    assert all(ru_ids.is_valid_inn(inn) for inn in inns)
    assert len(set(inns)) == len(inns)
    assert not any(inn.startswith("77") for inn in inns)


def test_phones_in_mixed_formats_are_one_number_each():
    """Six spellings of Russian mobiles, every one normalised by the addon's phone rules to +7 9XX…."""
    rng = random.Random(1)
    numbers = [bench_data.phone(rng, n) for n in range(12)]
    assert len({n[:2] for n in numbers}) >= 4  # "+7", "8 ", "89", "(9", "7-" …: mixed formats
    for number in numbers:
        assert phone.normalize(number).startswith("+79"), number


def test_seeded_profiles_and_scale(monkeypatch):
    """The same seed draws the same behaviours; BENCH_SCALE multiplies the counts (at least 1)."""
    first, again = random.Random(bench_data.SEED), random.Random(bench_data.SEED)
    assert [bench_data.profile_of(first) for _ in range(50)] == [bench_data.profile_of(again) for _ in range(50)]
    draws = random.Random(bench_data.SEED)
    profiles = [bench_data.profile_of(draws) for _ in range(5000)]
    assert set(profiles) == set(bench_data.PROFILES)
    assert abs(profiles.count("punctual") / 5000 - bench_data.PROFILES["punctual"][0]) < 0.03
    monkeypatch.setattr(bench_data, "SCALE", 0.02)
    assert (bench_data.sized(bench_data.CUSTOMERS), bench_data.sized(10)) == (400, 1)
