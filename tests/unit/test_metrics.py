"""pipeline.metrics: the market metrics (club moves, newest official deals) and the README table."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from pipeline.metrics import OFFICIAL_DEALS_KEPT, Metrics
from tests.conftest import REPO

DEALS = "mercato_official_deal_timestamp_seconds"


def deal_series(registry: CollectorRegistry) -> dict[str, float]:
    return {
        sample.labels["person"]: sample.value
        for family in registry.collect()
        if family.name == DEALS
        for sample in family.samples
    }


def test_club_moves_count_buying_and_selling_per_stage() -> None:
    metrics = Metrics()
    metrics.event_reached_stage("talks", "Torino", "Napoli")
    metrics.event_reached_stage("official", "Torino", "Napoli")
    metrics.event_reached_stage("official", None, "Napoli")  # free agent: no seller
    value = metrics.registry.get_sample_value
    name = "mercato_club_moves_total"
    assert value(name, {"club": "Napoli", "direction": "in", "stage": "official"}) == 2
    assert value(name, {"club": "Napoli", "direction": "in", "stage": "talks"}) == 1
    assert value(name, {"club": "Torino", "direction": "out", "stage": "official"}) == 1
    assert value(name, {"club": "Torino", "direction": "in", "stage": "official"}) is None


def test_only_the_newest_official_deals_are_kept() -> None:
    metrics = Metrics()
    extra = 5
    for n in range(OFFICIAL_DEALS_KEPT + extra):
        metrics.official_deal(f"Player {n}", "Torino", "Napoli", "permanent", 1000.0 + n)
    kept = deal_series(metrics.registry)
    assert len(kept) == OFFICIAL_DEALS_KEPT
    assert set(kept) == {f"Player {n}" for n in range(extra, OFFICIAL_DEALS_KEPT + extra)}
    assert kept["Player 24"] == 1024.0
    # A deal older than all kept ones (a late replay) does not push a newer one out.
    metrics.official_deal("Old Player", "Torino", "Napoli", "loan", 10.0)
    assert "Old Player" not in deal_series(metrics.registry)
    assert len(deal_series(metrics.registry)) == OFFICIAL_DEALS_KEPT
    # The same deal again is one series, not two, and keeps its newest time.
    metrics.official_deal("Player 24", "Torino", "Napoli", "permanent", 2000.0)
    metrics.official_deal("Player 24", "Torino", "Napoli", "permanent", 1500.0)
    assert deal_series(metrics.registry)["Player 24"] == 2000.0
    assert len(deal_series(metrics.registry)) == OFFICIAL_DEALS_KEPT


def test_a_deal_without_clubs_is_labelled_unknown() -> None:
    metrics = Metrics()
    metrics.official_deal("Free Agent", None, "Napoli", "free", 5.0)
    labels = {"person": "Free Agent", "from_club": "unknown", "to_club": "Napoli", "kind": "free"}
    assert metrics.registry.get_sample_value(DEALS, labels) == 5.0


def test_readme_lists_every_metric_with_its_labels() -> None:
    readme = (REPO / "README.md").read_text()
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[2].strip()
        for line in readme.splitlines()
        if line.startswith("| `mercato_")
    }
    for family in Metrics().registry.collect():
        name = family.name + ("_total" if family.type == "counter" else "")
        assert name in rows, f"README's metrics table lacks {name}"
    collectors = Metrics().__dict__.values()
    for collector in collectors:
        names = getattr(collector, "_labelnames", None)
        if names is not None:
            metric = collector._name + ("_total" if collector._type == "counter" else "")
            assert rows[metric] == ", ".join(names), metric
