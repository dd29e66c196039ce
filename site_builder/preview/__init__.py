"""`site-builder serve`: the live preview, one package around the build's engine.

- serve.py: the server (livereload on tornado), file-system watching, the WSGI app that
  serves output/ by serving.py's rules, and the error page (error.html, a Jinja template);
- live.py: `LiveSite`, incremental updates: reloads the changed items through the loader's
  public API (`reload_items`, `item_warnings`) and renders them with the build's own tasks
  (`run_task`), byte-identical to a full build (tests/test_live.py);
- guard.py: loopback Host names and same-origin live reload only.

Why not simply call `build()` on every save: at 2,000 items a warm full build takes
11.6-13.9 s, the incremental update 17-41 ms (issue 17, item 2; numbers in
docs/architecture.md, "One engine").
"""
