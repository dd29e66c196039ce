"""Third-party libraries' private or undocumented APIs, each kept in one small module.

Nothing else in site_builder may reach into a library's internals: when a new release
changes them, the module's test (tests/test_vendor_*.py) fails loudly and names the
function to fix, instead of printing going wrong silently. pyproject.toml bounds each
such library from above.
"""
