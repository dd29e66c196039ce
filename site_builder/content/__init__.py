"""Content: files -> validated, frozen model objects (load, schema, model)."""
