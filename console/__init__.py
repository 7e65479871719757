"""Baton: which hop dropped the caller's identity between API Gateway and IIS."""

__version__ = "0.1.0"
