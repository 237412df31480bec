"""Validity checks for the club gazetteer, nlp/data/clubs.toml (pure data, no network)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CLUBS_PATH = Path(__file__).resolve().parents[2] / "nlp" / "data" / "clubs.toml"

STR_KEYS = ("id", "name", "official", "country", "league")
LIST_KEYS = ("aliases", "nicknames", "cities")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

# League -> minimum number of clubs the gazetteer must cover.
REQUIRED_LEAGUES: dict[str, int] = {
    "Serie A": 20,
    "Serie B": 20,
    "Premier League": 20,
    "Championship": 24,
    "La Liga": 20,
    "Bundesliga": 18,
    "Ligue 1": 18,
    "Eredivisie": 18,
    "Primeira Liga": 18,
    "Süper Lig": 18,
    "Saudi Pro League": 18,
    "MLS": 28,
}

# Plain words that must never be an (unambiguous) alias; they belong in nicknames.
GENERIC_WORDS = frozenset(
    {
        "athletic",
        "albion",
        "blues",
        "borussia",
        "city",
        "club",
        "como",
        "derby",
        "dinamo",
        "dynamo",
        "eintracht",
        "fc",
        "forest",
        "palace",
        "racing",
        "real",
        "reds",
        "river",
        "rovers",
        "sparta",
        "sporting",
        "united",
        "villa",
        "wednesday",
    }
)


def fold(text: str) -> str:
    """Case- and accent-insensitive key, mirroring how the matcher compares names."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@cache
def load_clubs() -> tuple[dict[str, Any], ...]:
    with CLUBS_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    assert set(data) == {"club"}, f"unexpected top-level keys: {sorted(data)}"
    return tuple(data["club"])


def club_by_id(club_id: str) -> dict[str, Any]:
    matches = [club for club in load_clubs() if club["id"] == club_id]
    assert len(matches) == 1, f"{club_id!r} not found exactly once"
    return matches[0]


def resolve(text: str, field: str) -> set[str]:
    """Ids of the clubs whose `field` (name/aliases/nicknames/cities) matches `text`."""
    key = fold(text)
    found: set[str] = set()
    for club in load_clubs():
        values = [club["name"]] if field == "name" else club[field]
        if any(fold(value) == key for value in values):
            found.add(club["id"])
    return found


def test_required_keys_and_types() -> None:
    clubs = load_clubs()
    assert clubs, "no [[club]] tables"
    for club in clubs:
        where = club.get("id", club)
        assert set(club) == set(STR_KEYS) | set(LIST_KEYS), f"{where}: keys {sorted(club)}"
        for key in STR_KEYS:
            value = club[key]
            assert isinstance(value, str), f"{where}: {key} must be a string"
            assert value, f"{where}: empty {key}"
            assert value == value.strip(), f"{where}: bad {key} {value!r}"
        for key in LIST_KEYS:
            values = club[key]
            assert isinstance(values, list), f"{where}: {key} must be a list"
            for value in values:
                assert isinstance(value, str), f"{where}: {key} item {value!r}"
                assert value, f"{where}: empty {key} item"
                assert value == value.strip(), f"{where}: bad {key} item {value!r}"
                assert "  " not in value, f"{where}: double space in {value!r}"
            dupes = [v for v, n in Counter(values).items() if n > 1]
            assert not dupes, f"{where}: duplicate {key} {dupes}"
        assert COUNTRY_RE.match(club["country"]), f"{where}: country {club['country']!r}"


def test_ids_unique_and_slug_like() -> None:
    ids = [club["id"] for club in load_clubs()]
    bad = [i for i in ids if not SLUG_RE.match(i)]
    assert not bad, f"ids are not lowercase ascii slugs: {bad}"
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_names_unique() -> None:
    names = Counter(fold(club["name"]) for club in load_clubs())
    dupes = [name for name, n in names.items() if n > 1]
    assert not dupes, f"duplicate names: {dupes}"


def test_aliases_do_not_collide_across_clubs() -> None:
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for club in load_clubs():
        for value in [club["name"], *club["aliases"]]:
            owners[fold(value)].add(club["id"])
    collisions = {key: sorted(ids) for key, ids in owners.items() if len(ids) > 1}
    assert not collisions, f"names/aliases shared by several clubs: {collisions}"


def test_aliases_are_not_generic_words() -> None:
    for club in load_clubs():
        generic = [a for a in club["aliases"] if fold(a) in GENERIC_WORDS]
        assert not generic, f"{club['id']}: generic aliases {generic} belong in nicknames"


def test_fields_of_one_club_do_not_overlap() -> None:
    # Name and aliases form one group (an unaccented alias may fold to the name).
    for club in load_clubs():
        seen: dict[str, str] = {}
        fields = {
            "name/aliases": [club["name"], *club["aliases"]],
            "nicknames": club["nicknames"],
            "cities": club["cities"],
        }
        for field, values in fields.items():
            for value in values:
                key = fold(value)
                if key in seen and seen[key] != field:
                    pytest.fail(f"{club['id']}: {value!r} is in both {seen[key]} and {field}")
                seen[key] = field


@pytest.mark.parametrize(("league", "minimum"), sorted(REQUIRED_LEAGUES.items()))
def test_league_coverage(league: str, minimum: int) -> None:
    count = sum(1 for club in load_clubs() if club["league"] == league)
    assert count >= minimum, f"{league}: {count} clubs, expected at least {minimum}"


@pytest.mark.parametrize(
    ("text", "field", "club_id"),
    [
        ("Strasburgo", "aliases", "strasbourg"),
        ("strasburgo", "aliases", "strasbourg"),
        ("la Dea", "nicknames", "atalanta"),
        ("the Gunners", "nicknames", "arsenal"),
        ("Trigoria", "cities", "roma"),
        ("Leicester", "aliases", "leicester-city"),
        ("Bayern Monaco", "aliases", "bayern-munich"),
        ("Siviglia", "aliases", "sevilla"),
        ("Barca", "aliases", "barcelona"),
        ("Man Utd", "aliases", "manchester-united"),
        ("Milanello", "cities", "ac-milan"),
    ],
)
def test_spot_checks_resolve_uniquely(text: str, field: str, club_id: str) -> None:
    assert resolve(text, field) == {club_id}


def test_leicester_names_leicester_city() -> None:
    club = club_by_id("leicester-city")
    assert club["name"] == "Leicester City"
    assert "Leicester" in club["aliases"]


def test_shared_nicknames_and_cities() -> None:
    assert {"inter", "atalanta"} <= resolve("nerazzurri", "nicknames")
    assert {"inter", "ac-milan"} <= resolve("Milano", "cities")
    assert {"manchester-city", "manchester-united"} <= resolve("Manchester", "cities")
    assert {"real-madrid", "atletico-madrid"} <= resolve("Madrid", "cities")


def test_inter_miami_does_not_claim_inter() -> None:
    assert resolve("Inter", "name") == {"inter"}
    assert resolve("Inter", "aliases") == set()
    assert "Inter" not in club_by_id("inter-miami")["aliases"]
