"""peacekg as a user installs it: the wheel, in a fresh virtual environment,
run from an empty folder far from any checkout, answers from the graph it
carries (ontology, shapes, data, stored queries bundled as package data).

Offline and quick: the wheel is built with the test environment's setuptools
(no build isolation), installed with --no-deps, and the new environment finds
the dependencies through a .pth file naming the test environment's site-packages.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh virtual environment holding only the wheel of this checkout."""
    major = int(version("setuptools").split(".")[0])
    assert major >= 77, "the wheel build needs setuptools>=77 in the test environment (pip install -e '.[test]')"
    tmp = tmp_path_factory.mktemp("install")
    # Built from a copy of what an sdist holds (MANIFEST.in), so that neither the
    # checkout's build/ folder nor anything else untracked can leak into the wheel.
    source = tmp / "source"
    for folder in ("src", "ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "_bundled"))
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "CHANGELOG.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", wheels, source], cwd=tmp)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("peacekg-*.whl")
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    done = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel], cwd=tmp)
    assert done.returncode == 0, done.stderr
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).stdout.strip())
    # The dependencies, from the test environment (a plain path line: its .pth files,
    # among them the editable install of this checkout, are not run).
    deps = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    (site / "zz_test_dependencies.pth").write_text("\n".join(deps) + "\n")
    empty = tmp / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEACEKG_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(tmp / "home"), XDG_CACHE_HOME=str(tmp / "cache"), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return {"venv": venv, "python": python, "site": site, "empty": empty, "cache": tmp / "cache", "wheel": wheel, "env": env}  # type: ignore[dict-item]


def test_the_wheel_carries_the_graph_sources(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for source in ("ontology/peacekg.ttl", "shapes/shapes.ttl", "data/missions-un-2000-present.ttl", "queries/missions.rq"):
        assert f"peacekg/_bundled/{source}" in names
    assert any(n.startswith("peacekg/_bundled/data/mandates/") for n in names)
    assert {"peacekg-0.1.0.dist-info/licenses/LICENSE", "peacekg-0.1.0.dist-info/licenses/LICENSE-DATA"} <= names


def test_installed_command_answers_from_an_empty_folder(installed):
    peacekg = installed["venv"] / "bin" / "peacekg"
    result = _run([peacekg, "query", "missions", "--format", "csv"], cwd=installed["empty"], env=installed["env"])
    assert result.returncode == 0, result.stderr
    rows = {r["acronym"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["UNMIL"]["establishing_instrument"] == "S/RES/1509 (2003)"
    assert rows["UNMIL"]["host_countries"] == "LBR"
    assert len(rows) >= 90
    # The bundled graph's build cache is in the user's cache folder, not in site-packages.
    assert list((installed["cache"] / "peacekg" / "bundled" / "build").glob("*/build.json"))
    assert not (installed["site"] / "peacekg" / "_bundled" / ".peacekg-cache").exists()
    assert list(installed["empty"].iterdir()) == []
    version_line = _run([peacekg, "--version"], cwd=installed["empty"], env=installed["env"]).stdout
    assert version_line == "peacekg 0.1.0\n"


def test_installed_python_api_uses_the_bundled_graph(installed):
    script = (
        "import json, peacekg\n"
        "from peacekg import KnowledgeGraph\n"
        "kg = KnowledgeGraph.load()\n"
        "rows = kg.query('missions-in-country', country='LBR')\n"
        "remote = KnowledgeGraph.remote('http://127.0.0.1:9/sparql')\n"
        "print(json.dumps({'module': peacekg.__file__, 'version': peacekg.__version__, 'root': str(kg.project.root),\n"
        "                  'acronyms': sorted(rows.column('acronym')), 'remote_queries': len(remote.catalog)}))\n"
    )
    result = _run([installed["python"], "-c", script], cwd=installed["empty"], env=installed["env"])
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert Path(answer["module"]).is_relative_to(installed["site"])  # the wheel's copy, not the checkout
    assert answer["root"] == str(installed["site"] / "peacekg" / "_bundled")
    assert answer["version"] == "0.1.0"
    assert answer["acronyms"] == ["ECOMIL", "UNMIL", "UNOMIL"]
    assert answer["remote_queries"] == len(list((ROOT / "queries").glob("*.rq")))


def test_a_checkout_in_the_working_directory_takes_precedence(installed, tmp_path):
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "shapes" / "valid.ttl", tmp_path / "data" / "valid.ttl")
    peacekg = installed["venv"] / "bin" / "peacekg"
    result = _run([peacekg, "query", "missions", "--format", "csv"], cwd=tmp_path, env=installed["env"])
    assert result.returncode == 0, result.stderr
    acronyms = {r["acronym"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert acronyms == {"UNMIL", "FIO"}  # the checkout's two operations (the fixture's), not the bundled graph's
    assert (tmp_path / ".peacekg-cache").is_dir()
