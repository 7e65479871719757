"""Probes: each answers "what did hop X see?" from one source, and says how sure it is."""
