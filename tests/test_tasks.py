"""Build tasks are typed values (site_builder/tasks.py): mypy refuses the old tuples, and
every task of a real plan survives pickling (workers receive them) and renders the same
files after it."""

from __future__ import annotations

import pickle
from pathlib import Path

from site_builder.build import code_tasks, page_tasks, plan_site, run_task
from site_builder.content.loader import load_site
from site_builder.render.html import HtmlRenderer
from site_builder.tasks import (
    AppIcons,
    CodePages,
    HomePage,
    ItemPages,
    ListPage,
    NotFoundPage,
    RootPage,
)
from tests.helpers import copy_project, mypy_errors


def test_the_tasks_of_a_plan_pickle_and_render_the_same(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "site", "minimal")
    plan = plan_site(load_site(root))
    tasks = page_tasks(plan) + code_tasks(plan)
    assert tasks[:3] == [AppIcons(), RootPage(), NotFoundPage()]  # the slowest first
    assert HomePage("vi") in tasks and ListPage("ocop", "en") in tasks
    assert ItemPages(0) in tasks and CodePages("XM-D01") in tasks
    assert len(set(tasks)) == len(tasks)  # hashable, and each one once
    r = HtmlRenderer(plan.site, plan.urls)
    written = 0
    for task in tasks:
        again = pickle.loads(pickle.dumps(task))
        assert again == task and type(again) is type(task)
        first = [(o.path, o.data) for o in run_task(r, plan, task)]
        assert [(o.path, o.data) for o in run_task(r, plan, again)] == first
        written += len(first)
    assert written > 20


def test_mypy_refuses_a_task_written_as_a_tuple(tmp_path: Path) -> None:
    snippet = tmp_path / "old_task.py"
    errors = mypy_errors(
        snippet,
        "from site_builder.build import Plan, run_task\n"
        "from site_builder.render.html import HtmlRenderer\n"
        "from site_builder.tasks import ItemPages\n\n\n"
        "def render(r: HtmlRenderer, plan: Plan) -> None:\n"
        "    run_task(r, plan, ItemPages(12))\n"
        '    run_task(r, plan, ("item", 12))\n',
    )
    assert len(errors) == 1, errors
    assert errors[0].startswith(f'{snippet}:8: error: Argument 3 to "run_task" has incompatible')
