"""The Textual console: the only part of console/ that imports Textual."""
