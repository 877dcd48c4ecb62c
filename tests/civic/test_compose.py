"""docker-compose.yml, read as compose would read it (no Docker engine here).

Compose fills ``${VAR}`` from the environment or .env; ``${VAR:?message}``
refuses to start when VAR is unset or empty, ``${VAR:-default}`` falls back.
The tests fill it from .env.example the way README says to, then check what
each service would run with, and run Django's deployment checks with the web
service's environment.
"""

import ipaddress
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE = Path(settings.BASE_DIR)
VARIABLE = re.compile(r"\$\{(\w+)(?:(:\?|:-)([^}]*))?\}")
SECRETS = {
    "DJANGO_SECRET_KEY",
    "POSTGRES_PASSWORD",
    "POSTGRES_OWNER_PASSWORD",
    "POSTGRES_SUPERUSER_PASSWORD",
    "REDIS_PASSWORD",
    # Not a secret strictly, but chosen per deployment like one.
    "CIVIC_ADMIN_PATH",
}


class MissingVariable(Exception):
    pass


def env_example() -> dict[str, str]:
    lines = (BASE / ".env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def filled_env() -> dict[str, str]:
    """.env.example with every secret generated, as README says."""
    return {
        name: secrets.token_hex(32) if name in SECRETS else value
        for name, value in env_example().items()
    }


def interpolate(node, env: dict[str, str]):
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    if not isinstance(node, str):
        return node

    def substitute(match: re.Match) -> str:
        name, kind, argument = match.groups()
        value = env.get(name, "")
        if kind == ":?" and not value:
            raise MissingVariable(f"{name}: {argument}")
        if kind == ":-" and not value:
            return argument
        return value

    return VARIABLE.sub(substitute, node.replace("$$", "\0")).replace("\0", "$")


def raw_compose() -> dict:
    return yaml.safe_load((BASE / "docker-compose.yml").read_text())


def compose(env: dict[str, str] | None = None) -> dict:
    return interpolate(raw_compose(), filled_env() if env is None else env)


def variables_used() -> dict[str, set[str]]:
    """Each variable compose reads, with the forms it is read in."""
    used: dict[str, set[str]] = {}
    text = (BASE / "docker-compose.yml").read_text()
    for name, kind, _argument in VARIABLE.findall(text):
        used.setdefault(name, set()).add(kind)
    return used


def test_every_secret_is_required_and_none_has_a_default():
    used = variables_used()
    for name in SECRETS:
        assert used.get(name), f"{name} is not used"
        assert ":-" not in used[name], f"{name} has a default"
        assert ":?" in used[name], f"{name} is not required"


def test_env_example_lists_exactly_the_required_variables():
    required = {name for name, kinds in variables_used().items() if ":?" in kinds}
    listed = env_example()
    assert set(listed) == required
    for name in SECRETS:
        assert listed[name] == "", f".env.example must not ship a value for {name}"


@pytest.mark.parametrize("missing", sorted(SECRETS | {"CIVIC_DOMAIN"}))
def test_compose_refuses_to_start_without_each_required_variable(missing):
    env = filled_env()
    env[missing] = ""
    with pytest.raises(MissingVariable, match=missing):
        compose(env)


def test_redis_requires_its_password_and_the_app_sends_it():
    env = filled_env()
    services = compose(env)["services"]
    password = env["REDIS_PASSWORD"]
    assert services["redis"]["command"] == [
        "redis-server",
        "--requirepass",
        password,
    ]
    for name in ("migrate", "web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["REDIS_URL"] == f"redis://:{password}@redis:6379/0"


def test_only_migrate_connects_as_the_owner_role():
    env = filled_env()
    services = compose(env)["services"]
    runtime = f"postgres://civic:{env['POSTGRES_PASSWORD']}@postgres:5432/civic"
    owner = f"postgres://civic_owner:{env['POSTGRES_OWNER_PASSWORD']}@postgres"
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith(owner)
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"] == runtime
    postgres = services["postgres"]["environment"]
    assert postgres["CIVIC_PASSWORD"] == env["POSTGRES_PASSWORD"]
    assert postgres["CIVIC_OWNER_PASSWORD"] == env["POSTGRES_OWNER_PASSWORD"]


def test_only_the_proxy_is_published_and_gunicorn_trusts_only_it():
    services = compose()["services"]
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"proxy"}
    proxy_address = services["proxy"]["networks"]["private"]["ipv4_address"]
    subnet = raw_compose()["networks"]["private"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    web = services["web"]["environment"]
    assert web["FORWARDED_ALLOW_IPS"] == proxy_address
    assert web["DJANGO_SECURE_COOKIES"] == "1"
    assert web["DJANGO_TRUST_X_FORWARDED_PROTO"] == "1"
    caddyfile = (BASE / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile


def test_check_deploy_passes_with_the_web_service_s_environment():
    env = {
        key: str(value)
        for key, value in compose()["services"]["web"]["environment"].items()
    }
    # The image's own settings (Dockerfile ENV).
    env |= {
        "DJANGO_SETTINGS_MODULE": "civic.settings.production",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
