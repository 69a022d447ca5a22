"""Settings come from the environment (12-factor): database, pool, cache, secret key."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "db = settings.DATABASES['default'];"
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'pool': db.get('OPTIONS', {}).get('pool'), 'checks': db.get('CONN_HEALTH_CHECKS'),"
    " 'cache': settings.CACHES['default']['BACKEND'], 'location': settings.CACHES['default'].get('LOCATION')}))"
)


def settings_with(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, "DJANGO_SETTINGS_MODULE": "treatysite.settings", **env},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    if result.returncode:
        return {"error": result.stderr}
    return json.loads(result.stdout)


def test_defaults_are_sqlite_and_local_memory():
    probe = settings_with(SECRET_KEY="x")
    assert probe["engine"] == "django.db.backends.sqlite3" and probe["name"].endswith("db.sqlite3")
    assert probe["cache"].endswith("LocMemCache")


def test_postgres_url_uses_native_pool_and_redis_url_the_redis_cache():
    probe = settings_with(
        SECRET_KEY="x", DATABASE_URL="postgres://root@127.0.0.1:5432/test", REDIS_URL="redis://127.0.0.1:6379/1"
    )
    assert (probe["engine"], probe["name"], probe["pool"]) == ("django.db.backends.postgresql", "test",
                                                                 {"min_size": 1, "max_size": 4, "timeout": 5})
    assert probe["checks"] is True  # the pool checks a connection before handing it out (survives a restart)
    assert probe["cache"] == "articles.serving.cache.ResilientRedisCache"
    assert probe["location"] == "redis://127.0.0.1:6379/1"


@pytest.mark.parametrize("debug", ["0", ""])
def test_secret_key_required_without_debug(debug):
    probe = settings_with(DEBUG=debug)
    assert "SECRET_KEY must be set" in probe["error"]


def test_pool_can_be_turned_off():
    probe = settings_with(SECRET_KEY="x", DATABASE_URL="postgres://root@127.0.0.1:5432/test", DATABASE_POOL="0")
    assert probe["pool"] is None


@pytest.mark.parametrize("command", [["import_wiki", "articles/demo/"], ["migrate", "--check"]])
def test_management_command_without_secret_key_says_so_in_one_line(command, tmp_path):
    """`python manage.py import_wiki …` as the README once wrote it, under production settings
    (a developer's shell: no DEBUG, no SECRET_KEY, no settings module chosen)."""
    unset = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    # Should the settings ever load, the command works on a throw-away database, not the checkout's.
    clean["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = subprocess.run([sys.executable, "manage.py", *command], env=clean, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY must be set" in lines[0] and "DEBUG=1" in lines[0]
