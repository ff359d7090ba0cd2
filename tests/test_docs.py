"""The docs live in the repository: no file points at a document outside it, every relative
link in the README, CONTRIBUTING.md and docs/ leads to a file that exists, and every
`docs/<doc>.md, "<section>"` reference in the code names a section that exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Spelled in pieces so that this file does not match what it looks for.
OUTSIDE = ("../" + "shared", "DESIGN" + ".md")
LINKED_DOCS = [
    "README.md",
    "CONTRIBUTING.md",
    *sorted(p.name for p in (ROOT / "docs").glob("*.md")),
]
# [text](target): the target up to the closing bracket; images too.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
# docs/architecture.md, "The vend transaction" - the name may wrap onto a comment's next line.
SECTION_REF = re.compile(r"docs/([\w-]+\.md)[,:]?\s+\"([^\"]{1,120})\"")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


def tracked_files() -> list[Path]:
    """Every file git tracks here; in a tree without git, every file outside the usual caches."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
        names = [
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)
        ]
    files = [ROOT / n for n in names]
    return [f for f in files if f.is_file()]  # a tracked file deleted in the work tree is gone


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def doc_path(name: str) -> Path:
    return ROOT / name if name in ("README.md", "CONTRIBUTING.md") else ROOT / "docs" / name


def test_no_file_refers_to_a_document_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in tracked_files()
        for n, line in enumerate(text_of(path).splitlines(), start=1)
        if any(word in line for word in OUTSIDE)
    ]
    assert not found, "references to a document outside the repository:\n" + "\n".join(found)


@pytest.mark.parametrize("name", LINKED_DOCS)
def test_every_relative_link_leads_to_a_file(name):
    path = doc_path(name)
    targets = LINK.findall(text_of(path))
    broken = []
    for target in targets:
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL (https:, mailto:) or a place in the same page
        file_part = target.split("#", 1)[0]
        if not (path.parent / file_part).exists():
            broken.append(target)
    assert not broken, f"{name}: links to files that do not exist: {broken}"


def test_the_docs_link_each_other():
    # The check above passes vacuously on a doc without links; these are the links a newcomer
    # follows, so their absence is a defect too.
    readme = LINK.findall(text_of(ROOT / "README.md"))
    for target in ("docs/architecture.md", "docs/protocols.md", "CONTRIBUTING.md"):
        assert target in readme, f"README.md does not link {target}"


def headings(name: str) -> set[str]:
    """A doc's section names as a reference may give them: without backticks, the guide's
    numbering ("3. ") or a closing remark in brackets (" (udev)")."""
    names = set()
    for heading in HEADING.findall(text_of(ROOT / "docs" / name)):
        heading = heading.replace("`", "")
        names.add(heading)
        names.add(re.sub(r"^\d+\.\s+|\s+\([^)]*\)$", "", heading))
    return names


def test_every_section_named_in_the_code_exists():
    refs: list[tuple[str, str, str]] = []
    for path in tracked_files():
        if b"\0" in path.read_bytes()[:4096]:
            continue  # not text
        for doc, section in SECTION_REF.findall(text_of(path)):
            section = re.sub(r"\s*\n\s*(#\s*)?", " ", section)  # a name wrapped in a comment
            refs.append((str(path.relative_to(ROOT)), doc, section))
    assert len(refs) >= 20, f"expected the code's references to the docs, found only {refs}"
    missing = [
        f"{where}: docs/{doc}, {section!r}"
        for where, doc, section in refs
        if not (ROOT / "docs" / doc).exists() or section not in headings(doc)
    ]
    assert not missing, "references to sections that do not exist:\n" + "\n".join(missing)
