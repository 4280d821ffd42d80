"""settings.py: one default per variable, a clear error for a missing one, and the shell
scripts take their defaults from it instead of repeating them."""

import re
import subprocess
import sys

import pytest

import settings
from harness.processes import ROOT

# Files of the project that read these variables; none may write a default of its own.
READERS = [
    "scripts/env.sh",
    "scripts/run_cluster.sh",
    "scripts/run_rasa.sh",
    "scripts/run_actions.sh",
    "cluster/prepare.py",
    "actions/store.py",
    "assistant/settings.py",
    "webchat/serve.py",
    "actions/server.py",
    "actions/consent.py",
]
# Defaults too common to be told apart from other uses of the same literal (the loopback
# address of RASA_INTERFACE and ACTION_HOST is also where the tests' Redis and the demo
# page listen); `${NAME:-...}` is still checked for them.
COMMON_LITERALS = {"127.0.0.1"}


def test_a_variable_without_a_default_is_a_clear_error():
    with pytest.raises(settings.MissingSetting, match="RASA_AUTH_TOKEN is not set"):
        settings.value("RASA_AUTH_TOKEN", {})
    assert settings.value("RASA_AUTH_TOKEN", {"RASA_AUTH_TOKEN": "t"}) == "t"


def test_set_values_win_and_empty_ones_take_the_default():
    assert settings.value("EMERGENCY_NUMBER", {"EMERGENCY_NUMBER": " 108 "}) == "108"
    assert settings.value("EMERGENCY_NUMBER", {"EMERGENCY_NUMBER": ""}) == "112"
    assert settings.value("DATABASE_URL", {}, cluster=True).startswith("postgresql://")


def test_the_default_database_does_not_depend_on_the_working_directory(tmp_path):
    printed = subprocess.run(
        [sys.executable, "-c", "import settings; print(settings.database_url({}))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    ).stdout
    assert printed.strip() == f"sqlite:///{ROOT}/var/assistant.db"


def test_env_sh_exports_the_defaults_of_settings_py(tmp_path):
    script = f'. "{ROOT}/scripts/env.sh" && env'
    out = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "EMERGENCY_NUMBER": "108"},
    ).stdout
    exported = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    for name, default in settings.DEFAULTS.items():
        expected = "108" if name == "EMERGENCY_NUMBER" else default
        assert exported.get(name) == expected, name


@pytest.mark.parametrize("path", READERS)
def test_no_reader_writes_a_default_of_its_own(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    for name, default in {**settings.DEFAULTS, **settings.CLUSTER_DEFAULTS}.items():
        if default and default not in COMMON_LITERALS:
            for literal in (f'"{default}"', f"'{default}'", f"={default}"):
                assert literal not in text, f"{path} repeats the default of {name}"
        # ${NAME:-value} with a literal value (${NAME:-$OTHER} derives it, which is fine)
        assert not re.search(rf"\${{{name}:-[^}}$]", text), f"{path} gives {name} a default"
    assert "sqlite:///" not in text


def test_the_console_takes_the_shared_defaults_from_settings_py():
    """console/settings.py writes no default of DATABASE_URL or CONSOLE_RETENTION_DAYS of its
    own, and reads settings.py even where console/ is first on sys.path (manage.py's folder:
    there `import settings` would find console/settings.py)."""
    script = (
        "import os, django; from django.conf import settings as s;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'console.settings';"
        "print(s.TRACKER_DATABASE_URL); print(s.CONSOLE_RETENTION_DAYS)"
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "test"}
    printed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT / "console",
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    assert printed == [
        settings.DEFAULTS["DATABASE_URL"],
        settings.DEFAULTS["CONSOLE_RETENTION_DAYS"],
    ]
    text = (ROOT / "console/settings.py").read_text(encoding="utf-8")
    assert '"365"' not in text and "assistant.db" not in text


@pytest.mark.parametrize("cwd", [".", "console"])
def test_manage_py_runs_from_the_repo_root_and_from_console_without_sys_path_edits(cwd):
    assert "sys.path" not in (ROOT / "console/manage.py").read_text(encoding="utf-8")
    manage = ROOT / "console/manage.py"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "test"}
    result = subprocess.run(
        [sys.executable, str(manage), "check"],
        cwd=ROOT / cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
