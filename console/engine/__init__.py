"""Baton's UI-free engine: tokens, transport, probes, trace and diagnosis.

Importing this package is cheap on purpose: it loads no submodule. Import what you use, e.g.
``from console.engine.tokens import inspect_token``.
"""
