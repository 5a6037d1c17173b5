"""Checks the built package as a user gets it: ``python scripts/check_package.py DIST_DIR``.

Run by scripts/test with the Python of a fresh venv into which the wheel of DIST_DIR was
installed (with its `testing` extra), from a directory outside the repository, so that
``import openrouter`` finds the installed copy and nothing of the checkout. It checks what
the archives hold (a file missing from the package fails here, not for a user), the
installed metadata and entry point, then uses the installed SDK against its own fake server.
Exits non-zero, naming the problem, if anything is wrong.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "openrouter-images"


def check_archives(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    with tarfile.open(sdist) as archive:
        root = archive.getnames()[0].split("/")[0]
        names = {name.removeprefix(root + "/") for name in archive.getnames()}
    for needed in ("LICENSE", "README.md", "pyproject.toml", "src/openrouter/py.typed"):
        assert needed in names, f"{sdist.name} lacks {needed}"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for needed in ("openrouter/py.typed", "openrouter/testing/_plugin.py"):
        assert needed in names, f"{wheel.name} lacks {needed}"
    assert any(name.endswith("/licenses/LICENSE") for name in names), f"{wheel.name}: LICENSE"
    print(f"archives: {sdist.name} and {wheel.name} hold what a user needs")


def check_install() -> None:
    import openrouter

    location = Path(openrouter.__file__).resolve()
    assert "site-packages" in location.parts, f"imported {location}, not the installed copy"
    assert (location.parent / "py.typed").is_file(), "py.typed is not installed"
    assert metadata.version(DISTRIBUTION) == openrouter.__version__
    plugins = {ep.name: ep.value for ep in metadata.entry_points(group="pytest11")}
    assert plugins.get("openrouter") == "openrouter.testing._plugin", plugins
    print(f"installed: {DISTRIBUTION} {openrouter.__version__} at {location.parent}")


def smoke() -> None:
    from openrouter import OpenRouter, components
    from openrouter.testing import FakeServer

    with FakeServer() as server, OpenRouter(server.api_key, server_url=server.base_url) as client:
        res = client.images.generate(model="fake-labs/pixel-xl", prompt="a lighthouse")
        assert res.data[0].to_bytes().startswith(b"\x89PNG")
        with client.images.generate(
            model="fake-labs/stream-diffusion", prompt="a comet", stream=True
        ) as events:
            kinds = [type(event) for event in events]
        assert kinds[-1] is components.ImageGenCompletedEvent, kinds
        assert client.images.check(model="fake-labs/pixel-xl", prompt="x", n=2).ok
    print("smoke test: generate, stream and check against the installed fake server")


if __name__ == "__main__":
    check_archives(Path(sys.argv[1]))
    check_install()
    smoke()
