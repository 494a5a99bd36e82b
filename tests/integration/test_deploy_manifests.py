"""The deployment files, checked offline: Kubernetes manifests against the API schemas and the
compose file through compose's own parser. Nothing here needs a cluster or a Docker daemon."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
BASE, PRODUCTION = K8S / "base", K8S / "overlays" / "production"
COMPOSE = REPO / "docker" / "compose.yml"
KUBERNETES_VERSION = "1.30.0"
SECRET_NAME = "careers-triage-secrets"
# Every process of ours (scripts/run.py starts the same set); a new one is added here and in
# deploy/k8s/base. The app is the events front and its two gunicorn pools.
HTTP_PROCESSES = {"web": ("/readyz", "/healthz"), "voice": ("/readyz", "/healthz"),
                  # Rasa's /status wants the API token; it listens only once its model is loaded.
                  "rasa": ("/", "/"), "actions": ("/health", "/health")}
PROCESSES = {*HTTP_PROCESSES, "front", "worker", "mailbox"}
SERVING = {*HTTP_PROCESSES, "front"}
SECRET_SETTINGS = {"SECRET_KEY", "SEALING_KEYS", "DATABASE_URL", "REDIS_URL", "TWILIO_AUTH_TOKEN",
                   "RASA_AUTH_TOKEN"}


def _kustomize() -> list[str] | None:
    """`kubectl kustomize` when its embedded Kustomize is v4 or later (Debian's is v2)."""
    if not shutil.which("kubectl"):
        return None
    version = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True)
    found = re.search(r"Kustomize Version: v(\d+)", version.stdout)
    return ["kubectl", "kustomize"] if found and int(found.group(1)) >= 4 else None


def render(directory: Path) -> list[dict]:
    """The resources a kustomization produces."""
    command = _kustomize()
    if command is None:
        pytest.skip("kubectl with Kustomize v4 or later is not installed (Debian's is too old)")
    result = subprocess.run([*command, str(directory)], capture_output=True, text=True, check=True)
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(resources: list[dict], kind: str) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


@pytest.fixture(scope="module", params=["base", "production"])
def rendered(request) -> list[dict]:
    return render(BASE if request.param == "base" else PRODUCTION)


@pytest.fixture(scope="module")
def production() -> list[dict]:
    return render(PRODUCTION)


def test_every_base_file_is_valid_against_the_kubernetes_schemas():
    # Works without kubectl: the base files are complete resources on their own.
    for path in sorted(BASE.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_rendered_manifests_are_valid_against_the_kubernetes_schemas(rendered):
    assert rendered
    for resource in rendered:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_every_process_is_a_deployment_with_probes_on_its_health_paths(rendered):
    deployments = by_kind(rendered, "Deployment")
    assert set(deployments) == PROCESSES
    for name, (ready, alive) in HTTP_PROCESSES.items():
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == ready, name
        assert container["livenessProbe"]["httpGet"]["path"] == alive, name
    worker = deployments["worker"]["spec"]["template"]["spec"]["containers"][0]
    assert "--heartbeat-file" in worker["args"] and "exec" in worker["livenessProbe"]
    mailbox = deployments["mailbox"]["spec"]
    # One reader of the national mailbox; its IMAP and SMTP addresses are secrets.
    assert mailbox["replicas"] == 1 and mailbox["template"]["spec"]["containers"][0]["args"] == [
        "python", "-m", "ivr.mailbox"]
    mail_env = {e["name"]: e for e in mailbox["template"]["spec"]["containers"][0]["env"]}
    assert "secretKeyRef" in mail_env["MAIL_IMAP_URL"]["valueFrom"]
    front = deployments["front"]["spec"]["template"]["spec"]["containers"][0]
    assert front["args"] == ["python", "-m", "live"]
    assert front["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert "tcpSocket" in front["livenessProbe"], "the front's liveness must not hang on a pool"
    pools = {e["name"]: e.get("value") for e in front["env"]}
    assert (pools["FRONT_WEB_URL"], pools["FRONT_VOICE_URL"]) == ("http://web:8000",
                                                                  "http://voice:8000")
    for pool in ("web", "voice"):
        env = {e["name"]: e.get("value") for e in deployments[pool]["spec"]["template"]["spec"]
               ["containers"][0]["env"]}
        assert env["GUNICORN_POOL"] == pool and env["TRUSTED_PROXIES"] == "2"


def test_migrations_run_once_as_a_job_not_in_every_app_replica(rendered):
    job = by_kind(rendered, "Job")["migrate"]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "python", "-m", "models", "migrate"]
    for name in ("web", "voice", "front"):
        app = by_kind(rendered, "Deployment")[name]["spec"]["template"]["spec"]["containers"][0]
        assert "migrate" not in " ".join(app.get("args", []) + app.get("command", []))


def test_customer_facing_processes_autoscale_and_keep_one_replica_through_a_drain(rendered):
    hpas = by_kind(rendered, "HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()} == SERVING
    assert all(h["spec"]["minReplicas"] >= 2 for h in hpas.values())
    budgets = by_kind(rendered, "PodDisruptionBudget")
    covered = {b["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
               for b in budgets.values()}
    assert covered == PROCESSES


def test_secrets_are_referenced_never_inlined(rendered):
    assert not by_kind(rendered, "Secret"), "secrets are created by the operator, not shipped"
    config = by_kind(rendered, "ConfigMap")["careers-triage-config"]["data"]
    assert not SECRET_SETTINGS & set(config)
    workloads = [*by_kind(rendered, "Deployment").values(), *by_kind(rendered, "Job").values()]
    for workload in workloads:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            env = {e["name"]: e for e in container.get("env", [])}
            for name, entry in env.items():
                assert "value" not in entry or name not in SECRET_SETTINGS, name
            if container["image"].split("/")[-1].startswith("careers-triage-app"):
                for name in SECRET_SETTINGS & set(env):
                    assert env[name]["valueFrom"]["secretKeyRef"]["name"] == SECRET_NAME


# What the operator's secret holds, in a shape each setting accepts.
SECRET_VALUES = {"DATABASE_URL": "postgresql://careers@postgres/careers",
                 "REDIS_URL": "redis://redis:6379/0", "MAIL_IMAP_URL": "imaps://u:p@mail/INBOX",
                 "MAIL_SMTP_URL": "smtps://u:p@mail",
                 "SEALING_KEYS": "c2VhbGluZy1rZXktZm9yLXRoZS1jb21wb3NlLXRlc3Q="}


def test_every_app_process_starts_with_what_production_requires(rendered, monkeypatch):
    """Each pod of ours is given every setting production insists on, and the assistant's API
    token only where it talks to the assistant."""
    from config.settings import FrontSettings, Settings, load_settings

    config = by_kind(rendered, "ConfigMap")["careers-triage-config"]["data"]
    workloads = [*by_kind(rendered, "Deployment").values(), *by_kind(rendered, "Job").values()]
    checked = set()
    for workload in workloads:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            if not container["image"].split("/")[-1].startswith("careers-triage-app"):
                continue
            env = dict(config)
            for entry in container.get("env", []):
                env[entry["name"]] = entry.get("value", SECRET_VALUES.get(
                    entry["name"], f"secret-{entry['name'].lower()}"))
            for field in Settings.model_fields:
                monkeypatch.delenv(field.upper(), raising=False)
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            front = container["args"] == ["python", "-m", "live"]
            # Raises, naming what is missing.
            settings = load_settings(FrontSettings if front else Settings, _env_file=None)
            assert settings.app_env == "production"
            if front:  # internet-facing: no secret of the app's but its Redis
                secrets = {e["name"] for e in container["env"] if "valueFrom" in e}
                assert secrets == {"REDIS_URL"}, secrets
            else:
                assert bool(settings.rasa_auth_token) == settings.rasa_enabled, \
                    workload["metadata"]["name"]
            checked.add(workload["metadata"]["name"])
    assert {"web", "voice", "front", "worker", "mailbox"} <= checked


def test_assistant_is_reachable_only_from_our_own_pods(rendered):
    policies = by_kind(rendered, "NetworkPolicy")
    allowed = {tuple(p["spec"]["podSelector"]["matchLabels"].values())[0]:
               tuple(p["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"].values())[0]
               for p in policies.values()
               if "podSelector" in p["spec"].get("ingress", [{}])[0].get("from", [{}])[0]}
    assert allowed == {"rasa": "app", "actions": "rasa", "app": "front"}
    components = {d["metadata"]["name"] for d in by_kind(rendered, "Deployment").values()
                  if d["spec"]["template"]["metadata"]["labels"].get(
                      "app.kubernetes.io/component") == "app"}
    assert components == {"web", "voice"}


def test_the_assistants_redis_stores_authenticate_and_in_production_use_tls(rendered):
    """Rasa keeps conversations in Redis: with a password from the secret, and TLS in production."""
    rasa = by_kind(rendered, "Deployment")["rasa"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in rasa["env"]}
    assert env["REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == SECRET_NAME


def test_production_redis_is_spoken_to_over_tls(production):
    config = by_kind(production, "ConfigMap")["careers-triage-config"]["data"]
    assert config["REDIS_SSL"] == "true"


def test_nothing_is_reachable_unless_a_policy_allows_it(rendered):
    """A default-deny ingress policy covers every pod; the front is reached from the ingress."""
    policies = by_kind(rendered, "NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"]
    assert "ingress" not in deny
    front = policies["front-from-ingress-only"]["spec"]
    assert front["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "front"}
    assert [p["port"] for p in front["ingress"][0]["ports"]] == [8000]


# Volume kinds the Pod Security "restricted" profile admits.
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                      "persistentVolumeClaim", "projected", "secret"}


def test_every_pod_meets_the_restricted_pod_security_standard(rendered):
    """What the production namespace's `restricted` admission checks, plus read-only roots."""
    workloads = [*by_kind(rendered, "Deployment").values(), *by_kind(rendered, "Job").values()]
    assert workloads
    for workload in workloads:
        name, pod = workload["metadata"]["name"], workload["spec"]["template"]["spec"]
        context = pod.get("securityContext", {})
        assert context.get("runAsNonRoot") is True and context.get("runAsUser", 0) != 0, name
        assert not any(pod.get(k) for k in ("hostNetwork", "hostPID", "hostIPC")), name
        for volume in pod.get("volumes", []):
            assert set(volume) - {"name"} <= RESTRICTED_VOLUMES, (name, volume)
        for container in [*pod["containers"], *pod.get("initContainers", [])]:
            own = container.get("securityContext", {})
            seccomp = (own.get("seccompProfile") or context.get("seccompProfile") or {})
            assert seccomp.get("type") in {"RuntimeDefault", "Localhost"}, name
            assert own.get("allowPrivilegeEscalation") is False, name
            assert not own.get("privileged"), name
            assert own.get("capabilities", {}).get("drop") == ["ALL"], name
            assert set(own.get("capabilities", {}).get("add", [])) <= {"NET_BIND_SERVICE"}, name
            assert own.get("readOnlyRootFilesystem") is True, name
            assert not any(p.get("hostPort") for p in container.get("ports", [])), name


def test_production_pins_images_serves_https_and_names_its_public_url(production):
    images = {c["image"] for d in by_kind(production, "Deployment").values()
              for c in d["spec"]["template"]["spec"]["containers"]}
    assert all(re.fullmatch(r"[\w.-]+/[\w-]+:\d+\.\d+\.\d+", image) for image in images), images
    assert {r["metadata"].get("namespace") for r in production if r["kind"] != "Namespace"} == {
        "careers-triage"}
    ingress = by_kind(production, "Ingress")["front"]["spec"]
    assert ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "front"
    host = ingress["rules"][0]["host"]
    assert ingress["tls"][0]["hosts"] == [host]
    config = by_kind(production, "ConfigMap")["careers-triage-config"]["data"]
    # Twilio signs the public URL: the app must check signatures against exactly this host.
    assert config["PUBLIC_BASE_URL"] == f"https://{host}"
    assert config["TRUSTED_PROXIES"] == "1"
    assert by_kind(production, "HorizontalPodAutoscaler")["rasa"]["spec"]["minReplicas"] >= 4


def _compose() -> list[str]:
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("neither the docker compose plugin nor Debian's docker-compose is installed")


def _compose_config(env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run([*_compose(), "-f", str(COMPOSE), "config"], capture_output=True,
                          text=True, env=full, cwd=REPO)


COMPOSE_SECRETS = {"SECRET_KEY": "s" * 32, "TWILIO_AUTH_TOKEN": "t" * 32,
                   "RASA_AUTH_TOKEN": "r" * 32,
                   "SEALING_KEYS": "c2VhbGluZy1rZXktZm9yLXRoZS1jb21wb3NlLXRlc3Q=",
                   "POSTGRES_PASSWORD": "p" * 16, "PUBLIC_BASE_URL": "https://example.invalid"}


def test_compose_file_is_valid_and_describes_every_process():
    result = _compose_config(COMPOSE_SECRETS)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"postgres", "redis", "migrate", "rasa", "actions", "front", "web", "voice",
            "worker", "prometheus"} <= set(services)
    assert services["migrate"]["command"] == ["python", "-m", "models", "migrate"]
    for pool in ("web", "voice"):
        assert services[pool]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
        assert services[pool]["environment"]["GUNICORN_POOL"] == pool
    assert services["front"]["command"] == ["python", "-m", "live"]
    assert services["front"]["environment"]["SECRET_KEY"] == COMPOSE_SECRETS["SECRET_KEY"]


def test_compose_refuses_to_start_without_its_secrets():
    result = _compose_config({k: v for k, v in COMPOSE_SECRETS.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_prometheus_scrapes_the_apps_metrics_endpoint():
    scrape = yaml.safe_load((REPO / "docker" / "prometheus.yml").read_text())["scrape_configs"]
    assert scrape[0]["metrics_path"] == "/metrics"
    assert scrape[0]["static_configs"][0]["targets"] == ["web:8000"]


def test_app_image_does_not_migrate_on_start_and_runs_unprivileged():
    dockerfile = (REPO / "docker" / "app.Dockerfile").read_text()
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert "migrate" not in cmd and "gunicorn" in cmd
    assert "USER 10001" in dockerfile
    assert "USER 10001" in (REPO / "docker" / "rasa.Dockerfile").read_text()
