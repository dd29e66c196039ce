"""Renderers: model -> bytes (HTML pages, QR images, PDFs)."""
