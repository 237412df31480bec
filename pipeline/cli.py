"""The `mercato` command: run the pipeline, a demo, offline extraction, topic setup."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import orjson
import typer

from pipeline.settings import Settings

if TYPE_CHECKING:
    from nlp.roster import Roster

cli = typer.Typer(
    help="Mercato: football transfer news in, one clean stream of transfer events out.",
    no_args_is_help=True,
    add_completion=False,
)


@cli.command()
def run(
    feeds: Annotated[
        Path | None,
        typer.Option(
            help="OPML file or list of feed URLs (default: MERCATO_FEEDS, else the bundled list)."
        ),
    ] = None,
) -> None:
    """Run ingestion and the stream worker (embedded broker unless KAFKA_BOOTSTRAP_SERVERS)."""
    from pipeline.runtime import build, kafka, run_worker

    settings = Settings.from_env()
    if feeds is not None:
        settings = settings.replace(feeds_file=str(feeds))
    with kafka(settings) as ready:
        typer.echo(
            f"mercato: Kafka at {ready.kafka_bootstrap_servers}"
            f"{' (embedded)' if settings.embedded else ''}; "
            f"metrics on http://{ready.metrics_host}:{ready.metrics_port}/metrics",
            err=True,
        )
        run_worker(build(ready, with_ingest=ready.ingest))


@cli.command()
def demo(
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds.")] = 120.0,
) -> None:
    """Serve the bundled sample feeds locally, run the whole pipeline, print the events, stop."""
    from pipeline.demo import run_demo

    raise typer.Exit(run_demo(Settings.from_env(), timeout=timeout))


@cli.command()
def extract(
    file: Annotated[
        str, typer.Argument(help="JSONL articles {id, title, text, lang?}, or - for stdin.")
    ],
    roster: Annotated[
        str | None,
        typer.Option(help="Roster CSV (name, aliases, role); default: MERCATO_ROSTER."),
    ] = None,
) -> None:
    """Offline extraction, no broker: one JSONL line {id, events} per article on stdout."""
    from nlp.roster import Roster, RosterError

    path = Settings.from_env().roster if roster is None else roster
    try:
        people = Roster.load(path) if path else None
    except (OSError, RosterError) as exc:
        typer.echo(f"roster: {exc}", err=True)
        raise typer.Exit(2) from exc
    source: TextIO = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
    with source:
        errors = extract_lines(source, sys.stdout.buffer, sys.stderr, people)
    if errors:
        raise typer.Exit(1)


def extract_lines(lines: Any, out: Any, err: TextIO, roster: Roster | None = None) -> int:
    """The body of `mercato extract`: returns how many lines could not be read."""
    import nlp

    errors = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            article = orjson.loads(line)
            if not isinstance(article, dict) or "id" not in article:
                raise ValueError("expected a JSON object with an 'id'")
            title, text = str(article.get("title") or ""), str(article.get("text") or "")
            # A string or None, as extract_article declares: compiled by mypyc, it raises
            # TypeError on anything else (a "lang" of 5 yields no events, as it always did).
            lang = str(article.get("lang") or "") or None
        except ValueError as exc:
            err.write(f"line {number}: skipped: {exc}\n")
            errors += 1
            continue
        mentions = nlp.extract_article(title, text, lang)
        if roster is not None:
            mentions = roster.apply(mentions)
        events = [{k: v for k, v in m.to_dict().items() if k != "extras"} for m in mentions]
        out.write(orjson.dumps({"id": article["id"], "events": events}) + b"\n")
    return errors


@cli.command()
def topics() -> None:
    """Create Mercato's topics on KAFKA_BOOTSTRAP_SERVERS (existing ones are left alone)."""
    from pipeline.topics import ensure_topics

    settings = Settings.from_env()
    if settings.embedded:
        typer.echo("set KAFKA_BOOTSTRAP_SERVERS to the cluster to prepare", err=True)
        raise typer.Exit(2)
    created = asyncio.run(ensure_topics(settings))
    typer.echo(f"created: {', '.join(created) or 'nothing (all exist)'}")


feeds_cli = typer.Typer(help="The feed list in Kafka (mercato.feeds) and each feed's health.")
cli.add_typer(feeds_cli, name="feeds")


def _cluster() -> Settings:
    settings = Settings.from_env()
    if settings.embedded:
        typer.echo(
            "set KAFKA_BOOTSTRAP_SERVERS to the cluster (the embedded broker of a running "
            "`mercato run` is at 127.0.0.1:MERCATO_BROKER_PORT)",
            err=True,
        )
        raise typer.Exit(2)
    return settings


@feeds_cli.command("load")
def feeds_load(
    file: Annotated[Path, typer.Argument(help="OPML file or one feed URL per line.")],
    replace: Annotated[bool, typer.Option(help="Remove the feeds that are not in FILE.")] = False,
) -> None:
    """Add (or retitle) the feeds of FILE in mercato.feeds; running workers pick them up."""
    from pipeline.feeds import load_feed_entries
    from pipeline.registry import publish_feeds
    from pipeline.topics import ensure_topics

    settings = _cluster()
    asyncio.run(ensure_topics(settings))
    change = asyncio.run(publish_feeds(settings, load_feed_entries(file), replace=replace))
    typer.echo(
        f"{len(change.added)} added, {len(change.updated)} retitled, "
        f"{len(change.removed)} removed, {change.kept} unchanged"
    )


@feeds_cli.command("remove")
def feeds_remove(url: Annotated[str, typer.Argument(help="Feed URL as listed.")]) -> None:
    """Remove one feed (a tombstone in mercato.feeds): its worker stops polling it."""
    from pipeline.registry import current_feeds, publish_feeds

    settings = _cluster()
    feeds = asyncio.run(current_feeds(settings))
    if url not in feeds:
        typer.echo(f"not in the feed list: {url}", err=True)
        raise typer.Exit(1)
    keep = {u: spec.title for u, spec in feeds.items() if u != url}
    asyncio.run(publish_feeds(settings, keep, replace=True))
    typer.echo(f"removed {url}")


@feeds_cli.command("status")
def feeds_status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per feed.")] = False,
) -> None:
    """Each feed's health, read from the feeds table's changelog (no worker needed)."""
    from pipeline.registry import feed_states

    settings = _cluster()
    states = asyncio.run(feed_states(settings))
    if as_json:
        for row in states:
            typer.echo(orjson.dumps(row).decode())
        return
    typer.echo(feed_status_table(states))


def feed_status_table(rows: list[dict[str, Any]]) -> str:
    """A fixed-width table of `registry.feed_states` rows, worst first."""
    header = ("health", "feed", "last success", "last new item", "fails", "last outcome")
    lines = [header]
    for row in rows:
        lines.append(
            (
                row["health"],
                row["url"],
                row["last_success"] or "never",
                row["last_new_item"] or "never",
                str(row["failures"]),
                (row["last_outcome"] + (f" ({row['last_error']})" if row["last_error"] else ""))[
                    :60
                ],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        for line in lines
    )


@cli.command()
def backfill(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Saved RSS/Atom files or directories of them (with the OPML that lists "
            "their feeds), JSONL article files."
        ),
    ],
) -> None:
    """Load archives with their original publish times; running workers publish each once."""
    from pipeline.backfill import ArchiveError, archive_files, feeds_by_host, offer_archives
    from pipeline.topics import ensure_topics

    settings = _cluster()
    try:
        files, feeds = archive_files(paths), feeds_by_host(paths)
    except ArchiveError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    asyncio.run(ensure_topics(settings))
    with _progress("files") as progress:
        task = progress.add_task("backfill", total=len(files))

        def on_file(path: Path, count: int, error: str | None) -> None:
            if error:
                progress.console.print(f"[red]skipped[/red] {path}: {error}")
            progress.update(task, advance=1, description=f"{path.name}: {count} articles")

        offered, bad = asyncio.run(offer_archives(settings, files, on_file, feeds))
    typer.echo(
        f"{offered} articles offered from {len(files) - bad} files to {settings.topic_polled}; "
        "running workers publish each new (id, version) once to "
        f"{settings.topic_raw}" + (f"; {bad} files could not be read" if bad else "")
    )
    if bad:
        raise typer.Exit(1)


@cli.command()
def replay(
    start: Annotated[
        str, typer.Option("--from", help="ISO 8601 date or time (UTC unless an offset is given).")
    ],
    end: Annotated[str | None, typer.Option("--to", help="Stop before this time.")] = None,
    target: Annotated[
        str | None,
        typer.Option(help="Build events here, apart from the live ones, to compare side by side."),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Count the articles in the window.")] = False,
) -> None:
    """Re-process retained raw articles from a time through extraction and dedupe."""
    from pipeline.replay import Window, dumps, parse_time
    from pipeline.replay import replay as run_replay
    from pipeline.topics import TopicSpec, ensure_topics

    settings = _cluster()
    try:
        window = Window(parse_time(start), parse_time(end) if end else None, target)
    except ValueError as exc:
        typer.echo(f"not an ISO 8601 time: {exc}", err=True)
        raise typer.Exit(2) from exc
    if target:
        asyncio.run(ensure_topics(settings, [TopicSpec(target, compacted=True)]))
    with _progress("articles") as progress:
        task = progress.add_task("replay", total=None)

        def show(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = asyncio.run(run_replay(settings, window, dry_run=dry_run, progress=show))
    typer.echo(dumps(result))


def _progress(unit: str) -> Any:
    """A progress bar with done/total, rate and ETA (rich), for backfill and replay."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:,.0f} {unit}/s" if task.speed else f"- {unit}/s")

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )


dlq_cli = typer.Typer(help="Dead letters (mercato.dlq): what a stage could not process, and why.")
cli.add_typer(dlq_cli, name="dlq")
StageOption = Annotated[
    str | None, typer.Option(help="Only this stage (ingest, admit, tokenize, extract, dedupe).")
]
ReasonOption = Annotated[str | None, typer.Option(help="Only this reason (e.g. bad_record).")]


@dlq_cli.command("list")
def dlq_list(
    stage: StageOption = None,
    reason: ReasonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON letter per line.")] = False,
) -> None:
    """Every dead letter, oldest first: when, stage, reason, where from, and the error."""
    from pipeline.dlq import list_letters, matcher

    letters = asyncio.run(list_letters(_cluster(), matcher(stage, reason)))
    for letter in letters:
        if as_json:
            typer.echo(orjson.dumps(letter.asdict()).decode())
            continue
        origin = f"{letter.topic}[{letter.partition}]@{letter.offset}" if letter.topic else "-"
        typer.echo(
            f"{letter.failed_at}  {letter.stage:<8} {letter.reason:<16} {origin}  "
            f"key={letter.key or '-'}  {letter.detail[:120]}"
        )
    if not as_json:
        typer.echo(f"{len(letters)} dead letter(s)", err=True)


@dlq_cli.command("replay")
def dlq_replay(
    stage: StageOption = None,
    reason: ReasonOption = None,
    dry_run: Annotated[bool, typer.Option(help="Count what would be sent back.")] = False,
) -> None:
    """Send dead letters back to the topic they came from, each once (after a fix)."""
    from pipeline.dlq import matcher, replay_letters

    count = asyncio.run(replay_letters(_cluster(), matcher(stage, reason), dry_run=dry_run))
    verb = "would replay" if dry_run else "replayed"
    typer.echo(
        f"{verb} {count.replayed}; skipped {count.skipped} (filtered, or no source topic); "
        f"unreadable {count.unreadable}"
    )


@cli.command("settings")
def show_settings() -> None:
    """List every setting: environment variable, current value, meaning."""
    Settings.from_env()  # a bad value fails here, naming its variable
    for env, default, doc in Settings.documentation():
        value = os.environ.get(env, "")
        shown = value if value else f"{default} (default)"
        typer.echo(f"{env}={shown}\n    {doc}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
