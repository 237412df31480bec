"""docker-compose.yml, checked without a Docker engine (none runs on this project's machines).

The file is validated against the Compose Specification JSON schema as shipped by
check-jsonschema (its vendored copy of compose-spec/compose-spec's schema), and every host
file, directory and build context it names must exist in the repository, mounted where the
programs inside the containers look for them.
"""

from __future__ import annotations

import copy
import json
import shlex
from importlib.metadata import distribution
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import REPO

COMPOSE_FILE = REPO / "docker-compose.yml"


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE_FILE.read_text()))


def compose_schema() -> dict[str, Any]:
    # Located through the distribution's metadata: the file is data, check-jsonschema's
    # own code (and its CLI's dependencies) are not needed.
    vendored = distribution("check-jsonschema").locate_file(
        "check_jsonschema/builtin_schemas/vendor/compose-spec.json"
    )
    return dict(json.loads(Path(str(vendored)).read_text(encoding="utf-8")))


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    )


def bind_mounts(service: dict[str, Any]) -> dict[PurePosixPath, Path]:
    """Container path -> host path of every bind mount of a service (short or long syntax)."""
    mounts: dict[PurePosixPath, Path] = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target = rest.split(":")[0]
        else:
            source, target = volume.get("source", ""), volume["target"]
        if source.startswith((".", "/")):  # a named volume has a plain name
            mounts[PurePosixPath(target)] = (REPO / source).resolve()
        else:
            assert source in compose().get("volumes", {}), f"undeclared volume {source!r}"
    return mounts


def host_path(service: dict[str, Any], inside: str) -> Path:
    """The host file a container path comes from, through the deepest bind mount holding it."""
    path = PurePosixPath(inside)
    holders = [target for target in bind_mounts(service) if path.is_relative_to(target)]
    assert holders, f"{inside} is not on any bind mount"
    target = max(holders, key=lambda t: len(t.parts))
    return bind_mounts(service)[target] / path.relative_to(target)


def test_compose_file_follows_the_compose_specification() -> None:
    document = compose()
    assert compose_schema()["title"] == "Compose Specification"
    errors = schema_errors(document)
    assert not errors, "\n".join(errors)
    assert {"kafka", "topics", "worker", "prometheus", "grafana"} <= set(document["services"])


def test_the_schema_check_rejects_what_compose_would_reject() -> None:
    broken = copy.deepcopy(compose())
    broken["services"]["worker"]["depends_on"]["topics"]["condition"] = "service_done"
    broken["services"]["grafana"]["imagee"] = "grafana/grafana"
    errors = schema_errors(broken)
    assert any(e.startswith("services/worker/depends_on") for e in errors), errors
    assert any(e.startswith("services/grafana") and "imagee" in e for e in errors), errors


def test_every_mounted_path_and_build_context_exists() -> None:
    for name, service in compose()["services"].items():
        build = service.get("build")
        if build is not None:
            context = REPO / (build if isinstance(build, str) else build.get("context", "."))
            assert context.is_dir(), f"{name}: build context {context} is missing"
            dockerfile = context / (build.get("dockerfile", "Dockerfile") if build else "")
            assert dockerfile.is_file(), f"{name}: {dockerfile} is missing"
        for target, source in bind_mounts(service).items():
            assert source.exists(), f"{name}: {source} (mounted at {target}) is missing"
            assert source.is_relative_to(REPO), f"{name}: {source} is outside the repository"


def test_kafka_runs_kraft_on_a_volume_and_workers_can_scale() -> None:
    services = compose()["services"]
    kafka = services["kafka"]["environment"]
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft: no ZooKeeper
    assert "zookeeper" not in json.dumps(compose()).lower()
    data = kafka["KAFKA_LOG_DIRS"]
    assert any(v == f"kafka-data:{data}" for v in services["kafka"]["volumes"])
    worker = services["worker"]
    # Scaling needs no fixed container name and no published host port.
    assert "container_name" not in worker and "ports" not in worker
    assert "healthcheck" in worker and "healthcheck" in services["kafka"]
    needs = worker["depends_on"]
    assert needs["topics"]["condition"] == "service_completed_successfully"
    assert services["topics"]["command"] == ["topics"]


def test_prometheus_finds_its_config_rules_and_every_worker() -> None:
    services = compose()["services"]
    prometheus = services["prometheus"]
    flags = dict(arg.split("=", 1) for arg in prometheus["command"] if "=" in arg)
    config_file = host_path(prometheus, flags["--config.file"])
    assert config_file == REPO / "deploy" / "prometheus" / "prometheus.yml"
    config = yaml.safe_load(config_file.read_text())
    for rules in config["rule_files"]:
        inside = PurePosixPath(flags["--config.file"]).parent / rules
        assert host_path(prometheus, str(inside)).is_file(), rules
    (job,) = config["scrape_configs"]
    (discovery,) = job["dns_sd_configs"]
    worker_env = services["worker"]["environment"]
    assert discovery["names"] == ["worker"]
    assert str(discovery["port"]) == worker_env["MERCATO_METRICS_PORT"]
    assert worker_env["MERCATO_METRICS_HOST"] == "0.0.0.0"


def test_grafana_finds_its_provisioning_and_the_dashboard() -> None:
    grafana = compose()["services"]["grafana"]
    provisioning = host_path(grafana, "/etc/grafana/provisioning")
    (datasource,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    assert datasource["url"] == "http://prometheus:9090"
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "mercato.yml").read_text())[
        "providers"
    ]
    dashboards = host_path(grafana, provider["options"]["path"])
    assert (dashboards / "mercato.json").is_file()
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert host_path(grafana, home) == dashboards / "mercato.json"


@pytest.mark.parametrize("service", ["worker", "prometheus", "grafana"])
def test_healthchecks_are_commands_the_images_can_run(service: str) -> None:
    test = compose()["services"][service]["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")
    command = test[1:] if test[0] == "CMD" else shlex.split(test[1])
    # The worker image is python:3.11-slim (no curl or wget); the others ship busybox wget.
    assert command[0] == ("python" if service == "worker" else "wget"), command
