"""The documentation a newcomer walks: every command it shows exists and every link between its pages resolves.

Commands are read only from code (inline `spans` and fenced blocks), so prose may say "make sure" freely.
"""

import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_BYTES = 40_000

FENCE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
MANAGE = re.compile(r"\bmanage\.py\s+([A-Za-z_][\w-]*)")
# `make X` only where make is the command: at the start, after env assignments (A=b make X) or after ; && ||.
MAKE = re.compile(r"(?:^|[;&|]\s*|^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+)make\s+([a-z][\w-]*)", re.MULTILINE)
BENCH = re.compile(r"\bpython[\d.]*\s+-m\s+(bench(?:\.[A-Za-z_]\w*)*)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
MAKE_TARGET = re.compile(r"^([A-Za-z][\w.-]*)\s*:(?!=)", re.MULTILINE)


@dataclass(frozen=True)
class Command:
    kind: str  # "manage", "make" or "bench"
    name: str


def code_texts(markdown: str) -> list[str]:
    """The fenced blocks and inline code spans of a page, each as its own text."""
    texts = [m.group(2) for m in FENCE.finditer(markdown)]
    prose = FENCE.sub("", markdown)
    texts += [m.group(2) for m in INLINE.finditer(prose)]
    return texts


def commands_in(markdown: str) -> list[Command]:
    """Every manage.py command, make target and bench module that the page's code shows."""
    found = []
    for text in code_texts(markdown):
        found += [Command("manage", name) for name in MANAGE.findall(text)]
        found += [Command("make", name) for name in MAKE.findall(text)]
        found += [Command("bench", name) for name in BENCH.findall(text)]
    return found


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {name for name in MAKE_TARGET.findall(makefile) if not name.startswith(".")}


def missing(commands: list[Command]) -> list[Command]:
    """The commands that do not exist in this project."""
    management, targets = get_commands(), make_targets()

    def exists(command: Command) -> bool:
        if command.kind == "manage":
            return command.name in management
        if command.kind == "make":
            return command.name in targets
        return importlib.util.find_spec(command.name) is not None

    return [command for command in commands if not exists(command)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text, lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    text = "".join(ch for ch in text.lower() if ch in " -_" or unicodedata.category(ch)[0] in "LNM")
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for match in HEADING.finditer(FENCE.sub("", markdown)):
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def broken_links(page: Path) -> list[str]:
    """The relative links (and #anchors) of a page that lead nowhere."""
    markdown = page.read_text(encoding="utf-8")
    prose = INLINE.sub("", FENCE.sub("", markdown))
    broken = []
    for target in LINK.findall(prose):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text(encoding="utf-8")):
            broken.append(target)
    return broken


def test_the_extractor_finds_commands_only_in_code():
    text = (
        "Run `python manage.py no_such_command --x` and `make nonsense`; make sure prose is ignored.\n\n"
        "```sh\nDEBUG=1 .venv/bin/python manage.py migrate\nDATABASE_URL=postgres://x make test   # suite\n"
        "python -m bench.no_such_bench\n```\n"
        "Prose manage.py not_in_code and python -m bench.not_in_code are not commands.\n"
    )
    assert set(commands_in(text)) == {
        Command("manage", "no_such_command"),
        Command("make", "nonsense"),
        Command("manage", "migrate"),
        Command("make", "test"),
        Command("bench", "bench.no_such_bench"),
    }
    assert set(missing(commands_in(text))) == {
        Command("manage", "no_such_command"),
        Command("make", "nonsense"),
        Command("bench", "bench.no_such_bench"),
    }


def test_slugs_follow_github():
    assert slug("Partner API (`/api/v1/`)") == "partner-api-apiv1"
    assert slug("The Ministry's licence list (`import_agencies`)") == "the-ministrys-licence-list-import_agencies"
    assert slug("Consent: what may be recorded and shared") == "consent-what-may-be-recorded-and-shared"
    assert anchors("# A\n## Tests\n```sh\n# not a heading\n```\n## Tests\n") == {"a", "tests", "tests-1"}


def test_a_broken_link_is_found(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n## Part two\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#part-two) [gone](missing.md) [bad anchor](other.md#part-three) [self](#page) "
        "[web](https://example.org/x) `[code](not-a-link.md)`\n# Page\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["missing.md", "other.md#part-three"]


def test_readme_stays_under_the_cap():
    assert README.stat().st_size < README_MAX_BYTES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_command_shown_exists(page):
    assert missing(commands_in(page.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_resolves(page):
    assert broken_links(page) == []


def test_the_docs_show_commands():
    """Guards the extractor itself: the README's two commands and the operators' commands are seen."""
    shown = {c for page in PAGES for c in commands_in(page.read_text(encoding="utf-8"))}
    assert {Command("make", "run"), Command("make", "test"), Command("manage", "apply_retention")} <= shown
