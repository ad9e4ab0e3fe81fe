"""Study notes in the seed format: `parse_note` reads one, `render_note` writes one.

`note_from_store` (in `pipeline.notes.from_store`) builds a note from a stored article; it
imports SQLAlchemy, so it is not imported here.
"""

from __future__ import annotations

from pipeline.notes.parse import BodyBlock, parse_note, parse_note_with_body
from pipeline.notes.render import render_note

__all__ = ["BodyBlock", "parse_note", "parse_note_with_body", "render_note"]
