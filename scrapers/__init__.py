"""Fetching and parsing Korean news pages into typed `Article` values.

Knows nothing of storage or NLP: `pipeline` wires it to the rest.
"""
