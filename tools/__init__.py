"""Maintainer tools: the generator of the built-in DOCX templates (`python -m tools.build_templates`)."""
