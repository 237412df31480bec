"""The Mercato Grafana dashboard, built in code with grafana-foundation-sdk.

    python -m deploy.grafana.dashboard           # (re)writes dashboards/mercato.json
    python -m deploy.grafana.dashboard --check   # exit 1 if the committed JSON is stale

Grafana loads the JSON (see provisioning/); this module is its source. Every
query names the provisioned Prometheus datasource by uid and filters on the
`job` and `instance` variables; rates use `$__rate_interval`. A unit test
regenerates the JSON and compares it with the committed file, and the
real-Prometheus test evaluates every expression against a running worker.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grafana_foundation_sdk.builders import bargauge, stat, table, timeseries
from grafana_foundation_sdk.builders.common import (
    ReduceDataOptions,
    TableSortByFieldState,
    VizLegendOptions,
    VizTooltipOptions,
)
from grafana_foundation_sdk.builders.dashboard import (
    CustomVariable,
    Dashboard,
    QueryVariable,
    Row,
    ThresholdsConfig,
)
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.common import (
    BarGaugeDisplayMode,
    BigValueColorMode,
    BigValueGraphMode,
    LegendDisplayMode,
    LegendPlacement,
    SortOrder,
    TooltipDisplayMode,
    VizOrientation,
)
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DataSourceRef,
    DataTransformerConfig,
    DynamicConfigValue,
    Threshold,
    ThresholdsMode,
    VariableOption,
    VariableRefresh,
    VariableSort,
)
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from pipeline.metrics import OFFICIAL_DEALS_KEPT
from transfers.state import CLOSING, PROGRESS

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "dashboards" / "mercato.json"
UID = "mercato"
# Must match deploy/grafana/provisioning/datasources/prometheus.yml (a test checks it).
DATASOURCE_UID = "mercato-prometheus"
DATASOURCE = DataSourceRef(type_val="prometheus", uid=DATASOURCE_UID)
# Every series selector carries this filter: the dashboard variables.
SEL = 'job=~"$job", instance=~"$instance"'
TOP_CLUBS = 10
NEWEST_DEALS = OFFICIAL_DEALS_KEPT  # what each worker keeps

Panel = timeseries.Panel | bargauge.Panel | stat.Panel | table.Panel


def query(expr: str, legend: str = "__auto", ref: str = "A") -> Dataquery:
    return Dataquery().expr(expr).legend_format(legend).ref_id(ref).datasource(DATASOURCE)


def instant(expr: str, legend: str = "__auto") -> Dataquery:
    return query(expr, legend).instant()


def quantiles(histogram: str, by: str = "", legend: str = "") -> list[Dataquery]:
    """p50, p90 and p99 of a histogram, grouped by `by` labels besides `le`."""
    group = f"{by}, le" if by else "le"
    return [
        query(
            f"histogram_quantile({q}, sum by ({group}) "
            f"(rate({histogram}_bucket{{{SEL}}}[$__rate_interval])))",
            f"p{round(q * 100)}{legend}",
            ref,
        )
        for q, ref in ((0.5, "A"), (0.9, "B"), (0.99, "C"))
    ]


def graph(
    title: str, description: str, unit: str, targets: list[Dataquery], width: int = 12
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .min(0)
        .fill_opacity(10)
        .span(width)
        .height(8)
        .legend(
            VizLegendOptions()
            .display_mode(LegendDisplayMode.LIST)
            .placement(LegendPlacement.BOTTOM)
            .show_legend(True)
        )
        .tooltip(VizTooltipOptions().mode(TooltipDisplayMode.MULTI).sort(SortOrder.DESCENDING))
    )
    for target in targets:
        panel = panel.with_target(target)
    return panel


def bars(
    title: str,
    description: str,
    unit: str,
    expr: str,
    legend: str,
    width: int = 8,
    thresholds: list[Threshold] | None = None,
) -> bargauge.Panel:
    steps = thresholds or [Threshold(color="green")]
    return (
        bargauge.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .min(0)
        .span(width)
        .height(8)
        .with_target(instant(expr, legend))
        .orientation(VizOrientation.HORIZONTAL)
        .display_mode(BarGaugeDisplayMode.GRADIENT)
        .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .thresholds(ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(steps))
    )


def single(title: str, description: str, unit: str, expr: str) -> stat.Panel:
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .span(4)
        .height(4)
        .with_target(query(expr, title))
        .graph_mode(BigValueGraphMode.AREA)
        .color_mode(BigValueColorMode.VALUE)
        .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    )


def newest_deals() -> table.Panel:
    # Grafana's date units read milliseconds.
    expr = (
        f"topk({NEWEST_DEALS}, 1000 * max by (person, from_club, to_club, kind) "
        f"(mercato_official_deal_timestamp_seconds{{{SEL}}}))"
    )
    return (
        table.Panel()
        .title("Newest official deals")
        .description(
            "Moves that reached the official stage, newest announcement first. Each worker "
            f"keeps its newest {NEWEST_DEALS} (mercato_official_deal_timestamp_seconds)."
        )
        .datasource(DATASOURCE)
        .span(24)
        .height(9)
        .with_target(instant(expr).format(PromQueryFormat.TABLE))
        .with_transformation(
            DataTransformerConfig(
                id_val="organize",
                options={
                    "excludeByName": {"Time": True},
                    "indexByName": {
                        "Value": 0,
                        "person": 1,
                        "from_club": 2,
                        "to_club": 3,
                        "kind": 4,
                    },
                    "renameByName": {
                        "Value": "announced",
                        "person": "person",
                        "from_club": "from",
                        "to_club": "to",
                        "kind": "kind",
                    },
                },
            )
        )
        .sort_by([TableSortByFieldState().display_name("announced").desc(True)])
        .override_by_name("announced", [DynamicConfigValue(id_val="unit", value="dateTimeAsIso")])
    )


def build() -> Dashboard:
    """The whole dashboard: one row per concern, in the order ops read it."""
    rate_in = f'rate(mercato_stage_messages_total{{{SEL}, direction="in"}}[$__rate_interval])'
    staleness = [
        Threshold(color="green"),
        Threshold(value=3600, color="orange"),
        Threshold(value=3 * 3600, color="red"),  # MercatoFeedStale alert
    ]
    rows: list[tuple[str, list[Panel]]] = [
        (
            "Overview",
            [
                single(
                    "Workers up",
                    "Mercato workers Prometheus scrapes successfully.",
                    "none",
                    f"sum(up{{{SEL}}})",
                ),
                single(
                    "Event versions / min",
                    "Transfer event versions published to the events topic.",
                    "opm",
                    f"sum(rate(mercato_events_emitted_total{{{SEL}}}[$__rate_interval])) * 60",
                ),
                single(
                    "End-to-end p99",
                    "99th percentile from article fetched to event version emitted.",
                    "s",
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(mercato_end_to_end_latency_seconds_bucket{{{SEL}}}"
                    "[$__rate_interval])))",
                ),
                single(
                    "Consumer lag",
                    "Messages not yet processed, all topics and partitions.",
                    "short",
                    f"sum(mercato_consumer_lag_messages{{{SEL}}})",
                ),
                single(
                    "Dead letters / min",
                    "Messages sent to the dead-letter topic, all stages.",
                    "opm",
                    f"sum(rate(mercato_dead_letters_total{{{SEL}}}[$__rate_interval])) * 60 "
                    "or vector(0)",
                ),
                single(
                    "Stale feeds",
                    "Feeds with no new item for MERCATO_FEED_STALE_FACTOR poll intervals.",
                    "none",
                    f"sum(max by (feed) (mercato_feed_stale{{{SEL}}})) or vector(0)",
                ),
            ],
        ),
        (
            "Throughput",
            [
                graph(
                    "Messages per stage and direction",
                    "mercato_stage_messages_total: messages into and out of each stage.",
                    "ops",
                    [
                        query(
                            "sum by (stage, direction) (rate(mercato_stage_messages_total"
                            f"{{{SEL}}}[$__rate_interval]))",
                            "{{stage}} {{direction}}",
                        )
                    ],
                    width=16,
                ),
                graph(
                    "Messages in per worker",
                    "Messages consumed by each worker, all stages: the partitions' share.",
                    "ops",
                    [query(f"sum by (instance) ({rate_in})", "{{instance}}")],
                    width=8,
                ),
            ],
        ),
        (
            "Consumer lag",
            [
                graph(
                    "Lag per topic partition",
                    "Messages behind the high watermark, per partition (the owning worker's "
                    "last measurement).",
                    "short",
                    [
                        query(
                            f"max by (topic, partition) (mercato_consumer_lag_messages{{{SEL}}})",
                            "{{topic}}/{{partition}}",
                        )
                    ],
                ),
                graph(
                    "Lag per topic",
                    "Partition lags summed per topic.",
                    "short",
                    [
                        query(
                            "sum by (topic) (max by (topic, partition) "
                            f"(mercato_consumer_lag_messages{{{SEL}}}))",
                            "{{topic}}",
                        )
                    ],
                    width=6,
                ),
                graph(
                    "State table keys",
                    "Keys held in each state table (events: one per transfer move).",
                    "short",
                    [query(f"sum by (table) (mercato_table_keys{{{SEL}}})", "{{table}}")],
                    width=6,
                ),
            ],
        ),
        (
            "Latency",
            [
                graph(
                    "End-to-end latency",
                    "From article fetched to event version emitted "
                    "(mercato_end_to_end_latency_seconds): p50, p90, p99.",
                    "s",
                    quantiles("mercato_end_to_end_latency_seconds"),
                ),
                graph(
                    "Tokenize and extract duration",
                    "Time to tokenize or extract one article, per stage "
                    "(mercato_extract_duration_seconds): p50, p90, p99.",
                    "s",
                    quantiles("mercato_extract_duration_seconds", "stage", " {{stage}}"),
                ),
            ],
        ),
        (
            "Errors",
            [
                graph(
                    "Dead letters per stage and reason",
                    "Messages sent to the dead-letter topic (mercato_dead_letters_total).",
                    "ops",
                    [
                        query(
                            "sum by (stage, reason) (rate(mercato_dead_letters_total"
                            f"{{{SEL}}}[$__rate_interval]))",
                            "{{stage}} {{reason}}",
                        )
                    ],
                ),
                bars(
                    "Dead letters since worker start",
                    "Dead letters per stage and reason, summed over the selected workers.",
                    "short",
                    f"sum by (stage, reason) (mercato_dead_letters_total{{{SEL}}})",
                    "{{stage}} {{reason}}",
                    width=12,
                ),
            ],
        ),
        (
            "Feed health",
            [
                graph(
                    "Feed polls by outcome",
                    "200, 304, http_4xx, http_5xx, timeout or an error class "
                    "(mercato_feed_polls_total).",
                    "opm",
                    [
                        query(
                            "sum by (outcome) (rate(mercato_feed_polls_total"
                            f"{{{SEL}}}[$__rate_interval])) * 60",
                            "{{outcome}}",
                        )
                    ],
                    width=8,
                ),
                graph(
                    "Feed items by outcome",
                    "Items read from feeds: new, updated or duplicate (mercato_feed_items_total).",
                    "opm",
                    [
                        query(
                            "sum by (outcome) (rate(mercato_feed_items_total"
                            f"{{{SEL}}}[$__rate_interval])) * 60",
                            "{{outcome}}",
                        )
                    ],
                    width=8,
                ),
                graph(
                    "Articles admitted by outcome",
                    "Items offered by the pollers: new or updated articles go to the raw "
                    "topic once, duplicates (seen through another feed) are dropped "
                    "(mercato_articles_admitted_total).",
                    "opm",
                    [
                        query(
                            "sum by (outcome) (rate(mercato_articles_admitted_total"
                            f"{{{SEL}}}[$__rate_interval])) * 60",
                            "{{outcome}}",
                        )
                    ],
                    width=8,
                ),
                bars(
                    "Since last successful poll",
                    "Seconds since each feed was last polled successfully; the "
                    "MercatoFeedStale alert fires at 3 hours.",
                    "s",
                    "time() - max by (feed) "
                    f"(mercato_feed_last_success_timestamp_seconds{{{SEL}}})",
                    "{{feed}}",
                    thresholds=staleness,
                ),
                bars(
                    "Since last new item",
                    "Seconds since each feed last had a new or changed item.",
                    "s",
                    "time() - max by (feed) "
                    f"(mercato_feed_last_new_item_timestamp_seconds{{{SEL}}})",
                    "{{feed}}",
                ),
                bars(
                    "Consecutive failed polls",
                    "Failed polls of each feed since its last success "
                    "(mercato_feed_consecutive_failures).",
                    "none",
                    f"max by (feed) (mercato_feed_consecutive_failures{{{SEL}}})",
                    "{{feed}}",
                    thresholds=[
                        Threshold(color="green"),
                        Threshold(value=1, color="orange"),
                        Threshold(value=5, color="red"),
                    ],
                ),
            ],
        ),
        (
            "Market",
            [
                graph(
                    "Event versions per stage",
                    "Event versions published per minute, by the stage they carry.",
                    "opm",
                    [
                        query(
                            "sum by (stage) (rate(mercato_events_emitted_total"
                            f"{{{SEL}}}[$__rate_interval])) * 60",
                            "{{stage}}",
                        )
                    ],
                ),
                bars(
                    "Event versions by stage",
                    "Since worker start (mercato_events_emitted_total).",
                    "short",
                    f"sum by (stage) (mercato_events_emitted_total{{{SEL}}})",
                    "{{stage}}",
                    width=6,
                ),
                bars(
                    "Event versions by kind",
                    "Since worker start: permanent, loan, free, extension...",
                    "short",
                    f"sum by (kind) (mercato_events_emitted_total{{{SEL}}})",
                    "{{kind}}",
                    width=6,
                ),
                bars(
                    "Top clubs buying",
                    "Moves reaching a new stage, by destination club, since worker start; "
                    "an event counts once per stage it reaches (pick one stage to count "
                    "moves).",
                    "short",
                    f"topk({TOP_CLUBS}, sum by (club) (mercato_club_moves_total"
                    f'{{{SEL}, direction="in", stage=~"$stage"}}))',
                    "{{club}}",
                    width=12,
                ),
                bars(
                    "Top clubs selling",
                    "Moves reaching a new stage, by club of origin, since worker start; "
                    "an event counts once per stage it reaches (pick one stage to count "
                    "moves).",
                    "short",
                    f"topk({TOP_CLUBS}, sum by (club) (mercato_club_moves_total"
                    f'{{{SEL}, direction="out", stage=~"$stage"}}))',
                    "{{club}}",
                    width=12,
                ),
                newest_deals(),
            ],
        ),
    ]
    dashboard = (
        Dashboard("Mercato")
        .uid(UID)
        .description(
            "Football transfer news to transfer events: throughput, lag, latency, "
            "errors, feeds and the market itself."
        )
        .tags(["mercato", "kafka", "faust"])
        .editable()
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .refresh("30s")
        .time("now-6h", "now")
        .timezone("browser")
        .with_variable(
            QueryVariable("job")
            .label("Job")
            .datasource(DATASOURCE)
            .query("label_values(mercato_stage_messages_total, job)")
            .refresh(VariableRefresh.ON_DASHBOARD_LOAD)
            .sort(VariableSort.ALPHABETICAL_ASC)
            .current(VariableOption(selected=True, text="mercato", value="mercato"))
        )
        .with_variable(
            QueryVariable("instance")
            .label("Worker")
            .datasource(DATASOURCE)
            .query('label_values(mercato_stage_messages_total{job=~"$job"}, instance)')
            .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
            .sort(VariableSort.ALPHABETICAL_ASC)
            .multi(True)
            .include_all(True)
            .all_value(".*")
            .current(VariableOption(selected=True, text=["All"], value=["$__all"]))
        )
        .with_variable(
            CustomVariable("stage")
            .label("Stage (clubs)")
            .values(",".join(PROGRESS + CLOSING))
            .multi(True)
            .include_all(True)
            .all_value(".*")
            .current(VariableOption(selected=True, text=["All"], value=["$__all"]))
        )
    )
    ids = iter(range(1, 1000))  # stable panel ids: links to a panel survive regeneration
    for title, panels in rows:
        dashboard = dashboard.with_row(Row(title).id(next(ids)))
        for panel in panels:
            dashboard = dashboard.with_panel(panel.id(next(ids)))
    return dashboard


def render() -> str:
    """The dashboard as Grafana JSON, stable byte for byte (sorted keys, final newline)."""
    return JSONEncoder(sort_keys=True, indent=2).encode(build().build()) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the JSON is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run python -m deploy.grafana.dashboard")  # noqa: T201
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
