from site_builder.cli import console

raise SystemExit(console())
