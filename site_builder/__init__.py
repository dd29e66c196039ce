"""site_builder: Markdown/YAML notes about dolls and OCOP products -> bilingual site, QR stickers, PDFs."""

__version__ = "0.1.0"
