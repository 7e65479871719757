"""Profiles: discovery, validation with located did-you-mean problems, and secret references.

load_profile("sandbox")           → Profile        (name from discovery, or a file path)
discover_profiles()               → [ProfileEntry] (user dir, ./profiles, shipped; first wins)
check_file("my.toml")             → [Problem]      (every error, file:line: key: message; warnings=True adds
                                                    the warnings: name differs from the file, no environment)
resolve_secret(ref)               → str            (env:, file:, aws-secretsmanager:; at use)
resolve_secret_bytes(ref)         → bytes          (the exact bytes: a file as stored, an env var's raw bytes)
"""

from console.config.discovery import (
    DEFAULT_PROFILE,
    ProfileEntry,
    ProfileLocation,
    default_locations,
    discover_profiles,
    find_profile,
)
from console.config.load import check_file, load_profile, load_text
from console.config.parse import check_text
from console.config.problems import Problem
from console.config.secrets import parse_secret_ref, resolve_reference, resolve_secret, resolve_secret_bytes
from console.model.profile import Profile, SecretRef

__all__ = [
    "DEFAULT_PROFILE",
    "Problem",
    "Profile",
    "ProfileEntry",
    "ProfileLocation",
    "SecretRef",
    "check_file",
    "check_text",
    "default_locations",
    "discover_profiles",
    "find_profile",
    "load_profile",
    "load_text",
    "parse_secret_ref",
    "resolve_reference",
    "resolve_secret",
    "resolve_secret_bytes",
]
