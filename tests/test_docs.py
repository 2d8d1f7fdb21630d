"""The README and the manual in docs/: links resolve, every setting, command and option is
documented, and the README stays short."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import click
import pytest

from indexer.cli import main
from indexer.settings import SETTINGS
from tests.conftest import ROOT

README_MAX_BYTES = 12 * 1024
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```|~~~)")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
INLINE_CODE = re.compile(r"`[^`]*`")


def prose(text: str) -> list[str]:
    """The lines of a Markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a page, repeated headings numbered as GitHub numbers them."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose(path.read_text(encoding="utf-8")):
        m = HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        n = seen.get(base, 0)
        found.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return found


def links(path: Path) -> list[str]:
    """The link targets of a page, outside code blocks and inline code."""
    targets = []
    for line in prose(path.read_text(encoding="utf-8")):
        targets += LINK.findall(INLINE_CODE.sub("", line))
    return targets


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in links(path):
        if re.match(r"^[a-z]+:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        missing_anchor = anchor and dest.suffix == ".md" and anchor not in anchors(dest)
        if not dest.exists() or missing_anchor:
            broken.append(target)
    return broken


def docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


def commands(group: click.Group, prefix: str = "timkiem") -> list[tuple[str, click.Command]]:
    """Every command of the click group, subcommands included, with its full name."""
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found += commands(command, full)
    return found


def documented(option: click.Option, text: str) -> bool:
    """Whether one of the option's spellings stands in the text as a whole word."""
    return any(re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text) for opt in option.opts)


def options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and "--help" not in p.opts]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## A part of it\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[ok](other.md#a-part-of-it) [ok](#page) [gone](missing.md)"
        " [bad anchor](other.md#nowhere) [web](https://example.org/x.md)\n"
        "```\n[in code](missing-too.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["missing.md", "other.md#nowhere"]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        (
            "Collections: files and crawled pages side by side",
            "collections-files-and-crawled-pages-side-by-side",
        ),
        ("What a 202 promises", "what-a-202-promises"),
        ("Tìm kiếm `dân vận`", "tìm-kiếm-dân-vận"),
    ],
)
def test_heading_slugs_are_githubs(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented(setting) -> None:
    assert setting.env in docs_text()


COMMANDS = commands(main)


def test_every_command_is_walked() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"timkiem index", "timkiem search", "timkiem serve"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_and_option_is_documented(name: str, command: click.Command) -> None:
    text = docs_text()
    assert re.search(rf"`{re.escape(name)}(?![\w-])", text), f"{name} is not documented in docs/"
    missing = [o.opts[0] for o in options(command) if not documented(o, text)]
    assert missing == [], f"options of {name} not documented in docs/"


def test_the_groups_options_are_documented() -> None:
    text = docs_text()
    assert [o.opts[0] for o in options(main) if not documented(o, text)] == []


def test_the_readme_is_short() -> None:
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes; move the rest into docs/"


def test_every_page_is_listed_in_the_contents() -> None:
    listed = set(links(ROOT / "docs" / "index.md"))
    pages = {p.name for p in (ROOT / "docs").glob("*.md")} - {"index.md"}
    assert sorted(pages - listed) == []
