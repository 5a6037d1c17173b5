"""The documentation site, built as `scripts/docs` builds it (mkdocs --strict) and read as a
reader would: pages with their navigation and highlighted code, links that lead somewhere,
an API reference with every public name once, a search index, and the performance chart."""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import subprocess
import sys
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import openrouter
from openrouter import components, errors, operations, testing, utils

ROOT = Path(__file__).resolve().parents[1]


class Page(HTMLParser):
    """What a reader sees of one page: ids, links, navigation and highlighted code."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.classes: Counter[str] = Counter()
        self.nav_links: list[str] = []
        self._nav_depth = 0
        self.feed(path.read_text())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.ids.add(found.get("id", ""))
        self.classes.update(found.get("class", "").split())
        if tag == "nav" and "md-nav--primary" in found.get("class", ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        link = found.get("href") if tag == "a" else found.get("src") if tag == "img" else None
        if link is not None:
            self.links.append(link)
            if self._nav_depth and tag == "a":
                self.nav_links.append(link)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    return out


def read(site: Path, page: str) -> Page:
    return Page(site / page / "index.html" if page else site / "index.html")


@pytest.mark.parametrize("page", ["", "streaming", "api/images"])
def test_pages_have_navigation_and_highlighted_code(site: Path, page: str) -> None:
    seen = read(site, page)
    # The whole site is in the primary navigation of every page (links are relative to it).
    here = site / page
    targets = {(here / urlsplit(link).path).resolve() for link in seen.nav_links}
    for target in ("quickstart", "streaming", "compatibility", "api/clients", "changelog"):
        assert (site / target).resolve() in targets, (page, target)
    assert seen.classes["md-nav__link--active"], "the current page is marked in the navigation"
    # Pygments marked the code up (examples, or the API's signatures): names, keywords,
    # strings and punctuation have classes of their own.
    assert seen.classes["highlight"]
    assert min(seen.classes["n"], seen.classes["p"]) > 10
    if page != "api/images":  # the examples import things
        assert seen.classes["kn"] and seen.classes["s2"]


def test_api_page_renders_the_reference_with_cross_links(site: Path) -> None:
    images = read(site, "api/images")
    for name in ("Images", "Images.generate", "Images.edit", "Images.check", "AsyncImages"):
        assert f"openrouter._images.{name}" in images.ids, name
    assert "openrouter._request.GenerateParams.quality" in images.ids
    assert images.classes["doc-signature"], "signatures are rendered, and highlighted"
    # Types in signatures and roles in docstrings (:class:`~openrouter.OpenRouter`) link to
    # the page that documents them.
    assert "../components/#openrouter.components.ImageGenerationResponse" in images.links
    assert "../clients/#openrouter.OpenRouter" in images.links


def test_every_link_leads_somewhere(site: Path) -> None:
    pages = {path: Page(path) for path in site.rglob("*.html") if path.name != "404.html"}
    for path, page in pages.items():
        for link in page.links:
            url = urlsplit(link)
            if url.scheme or link.startswith("//"):
                continue
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{path.relative_to(site)}: {link}"
            if url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else Page(target).ids
                assert unquote(url.fragment) in ids, f"{path.relative_to(site)}: {link}"


def test_search_finds_retry_config(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text())
    hits = [doc["location"] for doc in index["docs"] if "RetryConfig" in doc["title"]]
    assert "api/utils/#openrouter.utils.RetryConfig" in hits, hits


def documented(site: Path) -> Counter[str]:
    """How many times each name is documented as an object of its own (not as a member of
    a documented class), from the inventory mkdocstrings writes (priority 1: rendered)."""
    data = (site / "objects.inv").read_bytes()
    lines = zlib.decompress(data.split(b"\n", 4)[4]).decode().splitlines()
    rendered = {}
    for line in lines:
        name, kind, priority = line.split(" ", 3)[:3]
        if priority == "1":
            rendered[name] = kind
    return Counter(
        name.rsplit(".", 1)[1]
        for name, kind in rendered.items()
        if kind != "py:module" and rendered.get(name.rsplit(".", 1)[0]) != "py:class"
    )


def test_every_public_name_is_documented_once(site: Path) -> None:
    public = {n for n in openrouter.__all__ if n not in ("__version__", *openrouter._SUBMODULES)}
    # The official SDK's names of the error bodies are `components.ErrorResponse`, and
    # utils.EventStream(Async) are the stream classes: the pages say so, once.
    public |= {n for n in errors.__all__ if not n.endswith("ResponseErrorData")}
    public |= {n for n in utils.__all__ if not n.startswith("EventStream")}
    public |= set(operations.__all__) | set(testing.__all__)
    public |= {"openrouter_server", "openrouter_client", "async_openrouter_client"}
    public |= {"Images", "AsyncImages", "ImagesWithRawResponse", "AsyncImagesWithRawResponse"}
    public |= {"GenerateParams", "EditParams", "CallOptions", "EndpointsParams"}
    public |= {
        name
        for name, value in vars(components).items()
        if inspect.isclass(value) and value.__module__ == components.__name__
        if not name.startswith("_")
    }
    counts = documented(site)
    assert {name for name in public if counts[name] != 1} == set()
    assert [name for name, count in counts.items() if count > 1] == []


def test_the_performance_chart_is_drawn_from_the_published_numbers() -> None:
    spec = importlib.util.spec_from_file_location("chart", ROOT / "benchmarks" / "chart.py")
    assert spec and spec.loader
    chart = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chart)
    assets = ROOT / "docs" / "assets"
    report = json.loads((assets / "benchmark.json").read_text())
    drawn = chart.svg(report)
    assert drawn == (assets / "benchmark.svg").read_text()
    # One bar per figure with a target, at the ratio of the medians.
    small = report["results"]["small"]["rows"][0]
    assert f"{small['sdk'] / small['httpx']:.2f}x" in drawn
    assert drawn.count('fill="#3f51b5"') == 1 + sum(
        row["target"] is not None for result in report["results"].values() for row in result["rows"]
    )
