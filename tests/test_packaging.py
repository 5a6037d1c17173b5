"""The package's metadata, and the archive check scripts/test runs on the built package
(scripts/check_package.py; the build, the install and the smoke test are scripts/test's)."""

from __future__ import annotations

import importlib.util
import io
import re
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SDIST = ["LICENSE", "README.md", "pyproject.toml", "src/openrouter/py.typed"]
WHEEL = [
    "openrouter/py.typed",
    "openrouter/testing/_plugin.py",
    "openrouter_images-1.0.dist-info/licenses/LICENSE",
]


def check_package() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check", ROOT / "scripts" / "check_package.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_dist(folder: Path, sdist: list[str], wheel: list[str]) -> Path:
    with tarfile.open(folder / "openrouter_images-1.0.tar.gz", "w:gz") as archive:
        for name in sdist:
            info = tarfile.TarInfo(f"openrouter_images-1.0/{name}")
            archive.addfile(info, io.BytesIO(b""))
    with zipfile.ZipFile(folder / "openrouter_images-1.0-py3-none-any.whl", "w") as archive:
        for name in wheel:
            archive.writestr(name, "")
    return folder


def test_complete_archives_pass(tmp_path: Path) -> None:
    check_package().check_archives(make_dist(tmp_path, SDIST, WHEEL))


@pytest.mark.parametrize("missing", [*SDIST, *WHEEL])
def test_a_missing_file_fails(tmp_path: Path, missing: str) -> None:
    dist = make_dist(
        tmp_path, [n for n in SDIST if n != missing], [n for n in WHEEL if n != missing]
    )
    with pytest.raises(AssertionError, match="lacks|LICENSE"):
        check_package().check_archives(dist)


def extra(pyproject: str, name: str) -> str:
    """The text of one extra's list in pyproject.toml."""
    start = pyproject.index(f"\n{name} = [")
    return pyproject[start : pyproject.index("]\n", start)]


def test_the_distribution_is_not_the_official_sdk() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()  # (tomllib is 3.11+)
    # `openrouter` on the package index is the official SDK: this one is published apart.
    assert re.search(r'^name = "openrouter-images"$', pyproject, re.MULTILINE)
    assert check_package().DISTRIBUTION == "openrouter-images"
    for needed in ('"mkdocs>=', '"mkdocs-material>=', '"mkdocstrings[python]>='):
        assert needed in extra(pyproject, "docs"), needed
    for needed in ('"openrouter-images[testing,cli,docs]"', '"build>=', '"twine>='):
        assert needed in extra(pyproject, "dev"), needed
