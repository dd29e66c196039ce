"""The site's words: `locale/site.pot` is what the templates say today, and every one of
them has its Vietnamese.

A translator starting a third language begins from `site.pot` (`pybabel init`, docs/editing.md):
a stale template would leave buttons in English without anyone noticing. The extraction and
the update run the real `pybabel` with the same arguments as `make po`, and `make po` on
an up-to-date catalogue changes nothing (no date churn in a translator's diff).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "locale/site.pot"
VI = ROOT / "locale/vi/LC_MESSAGES/site.po"


def pybabel_words(verb: str) -> list[str]:
    """`make po`'s `pybabel <verb> ...` line, as the Makefile writes it, from the verb on."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(x for x in makefile.splitlines() if f"pybabel {verb}" in x)
    words = line.split()
    return words[words.index(verb) :]


def extract_command(output: Path) -> list[str]:
    """`make po`'s extraction into `output`."""
    words = pybabel_words("extract")
    words[words.index("-o") + 1] = str(output)
    return [sys.executable, "-m", "babel.messages.frontend", *words]


def ids(path: Path) -> set[str]:
    with path.open("rb") as f:
        return {str(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id}


def test_site_pot_is_what_the_templates_say(tmp_path: Path) -> None:
    fresh = tmp_path / "site.pot"
    run = subprocess.run(
        extract_command(fresh), cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    missing, stale = ids(fresh) - ids(POT), ids(POT) - ids(fresh)
    assert not missing and not stale, f"run `make po`: new {missing}, gone {stale}"
    assert POT.read_bytes() == fresh.read_bytes(), "run `make po` (site.pot's layout differs)"


def test_every_site_word_has_its_vietnamese() -> None:
    with VI.open("rb") as f:
        catalogue = read_po(f)
    untranslated = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert not untranslated
    assert ids(VI) == ids(POT)  # nothing obsolete kept, nothing missing
    assert not re.search(r"^#~", VI.read_text(encoding="utf-8"), re.M)


def test_make_po_leaves_an_up_to_date_catalogue_as_it_is(tmp_path: Path) -> None:
    """The Makefile's `pybabel update` on today's site.pot rewrites nothing in vi/site.po:
    not even the POT-Creation-Date (`--ignore-pot-creation-date`)."""
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    words = pybabel_words("update")
    words[words.index("-i") + 1] = str(locale / "site.pot")
    words[words.index("-d") + 1] = str(locale)
    words[words.index("-l") + 1] = "vi"
    command = [sys.executable, "-m", "babel.messages.frontend", *words]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (locale / "vi/LC_MESSAGES/site.po").read_bytes() == VI.read_bytes()
