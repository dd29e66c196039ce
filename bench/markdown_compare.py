"""Python-Markdown (what we use) against mistune and markdown-it-py, on our own stories.

    .venv/bin/python -m bench.markdown_compare [--items 300]

Runs in the peers' venv (`bench/.work/peers-venv`), where the two alternatives are
installed on first use; the project's .venv is never touched. It prints the time per
story for each converter and how many of the sample site's stories each renders
differently from Python-Markdown (after folding whitespace): the dialect members write
must stay stable, so a faster converter is only worth it if it renders the same HTML.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.peers import VENV, ensure_peers

REPO = Path(__file__).resolve().parent.parent
ALTERNATIVES = ["mistune", "markdown-it-py"]

WORKER = r"""
import json, re, sys, time
import markdown, mistune
from markdown_it import MarkdownIt

stories = json.load(sys.stdin)
pymd = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
def py(text):
    pymd.reset()
    return pymd.convert(text)
mist = mistune.create_markdown(escape=False, plugins=["table", "footnotes", "def_list", "abbr"])
mdit = MarkdownIt("commonmark", {"html": True}).enable("table")
converters = {"python-markdown": py, "mistune": mist, "markdown-it-py": mdit.render}
fold = lambda html: re.sub(r"\s+", " ", html).strip()
result = {}
for name, fn in converters.items():
    for s in stories["timing"][:20]:
        fn(s)  # warm up
    t = time.perf_counter()
    for s in stories["timing"]:
        fn(s)
    per = (time.perf_counter() - t) / len(stories["timing"]) * 1e6
    same = sum(fold(fn(s)) == fold(py(s)) for s in stories["sample"])
    result[name] = {"us_per_story": round(per), "same_as_python_markdown": same}
result["_versions"] = {"markdown": markdown.__version__, "mistune": mistune.__version__}
json.dump(result, sys.stdout)
"""


def stories(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.glob("content/*/*/*.md")):
        text = path.read_text(encoding="utf-8")
        out.append(text.split("\n---\n", 1)[1] if text.startswith("---\n") else text)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300, help="corpus items to time on")
    args = parser.parse_args()
    ensure_peers(print)
    python = VENV / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *ALTERNATIVES], check=True)
    corpus = REPO / "bench" / ".work" / f"corpus-{args.items}"
    if not (corpus / "ours").is_dir():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.corpus",
                "--items",
                str(args.items),
                "--out",
                str(corpus),
            ],
            check=True,
            cwd=REPO,
        )
    timing = stories(corpus / "ours")
    sample = stories(REPO)
    done = subprocess.run(
        [str(python), "-c", WORKER],
        input=json.dumps({"timing": timing, "sample": sample}),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    versions = result.pop("_versions")
    print(f"{len(timing)} corpus stories timed; {len(sample)} sample stories compared; {versions}")
    print(f"{'converter':<18}{'µs per story':>14}{'sample stories rendered the same':>36}")
    for name, row in result.items():
        same = f"{row['same_as_python_markdown']}/{len(sample)}"
        print(f"{name:<18}{row['us_per_story']:>14}{same:>36}")


if __name__ == "__main__":
    main()
