"""Every message the code can show has its Vietnamese (messages as data, end to end).

Messages are `Msg(template, **values)` (and `N_` markers for constants) written where the
problem is found, so the translation is looked up by the template itself: no English
text is ever matched back to a template. This test reads every such template out of the
source with `ast` and looks it up in the Vietnamese catalogue, so a new or reworded
message without its Vietnamese fails here, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

import site_builder

PACKAGE = Path(site_builder.__file__).parent
CATALOGUE = PACKAGE / "locale/vi/LC_MESSAGES/cli.po"
MARKERS = {"Msg", "N_", "Phrase"}
# modules whose messages are shown as sentences: the loader adds the full stop
SENTENCES = {"vietqr.py", "gtin.py"}


def templates() -> list[tuple[str, str]]:
    """(where, template) for every literal template given to a marker in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name not in MARKERS:
                continue
            where = f"{path.relative_to(PACKAGE.parent).as_posix()}:{node.lineno}"
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((where, first.value))
            elif isinstance(first, ast.IfExp):  # Msg("a" if x else "b")
                for branch in (first.body, first.orelse):
                    if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                        found.append((where, branch.value))
    return found


def test_the_walk_finds_the_messages() -> None:
    found = {template for _where, template in templates()}
    assert len(found) > 300
    assert "{kind} link '{url}' must start with https://." in found
    assert "GTIN is empty" in found  # shown as the sentence 'GTIN is empty.'


def test_every_message_has_its_vietnamese() -> None:
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f, locale="vi")
    translated = {m.id for m in catalogue if m.id and m.string}
    missing = []
    for where, template in templates():
        shown = {template}
        if Path(where.split(":")[0]).name in SENTENCES and not template.endswith((".", "?", "!")):
            shown = {template + "."}
        if not shown & translated:
            missing.append(f"{where}: {template!r}")
    assert missing == [], "\n".join(["no Vietnamese for:", *missing])
