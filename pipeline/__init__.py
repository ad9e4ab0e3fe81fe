"""Korean NLP over articles, study notes, ingest and batch orchestration, the CLI.

The only package that wires `scrapers` and `storage` together.
"""
