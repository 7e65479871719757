"""The sandbox probe: the emulators' own record of what each hop saw (ground truth), read over HTTP."""

from __future__ import annotations

import time
from typing import Any

import httpx

RETRIES = 10
RETRY_DELAY = 0.05


def fetch_ground_truth(client: httpx.Client, control_url: str, key: str) -> dict[str, Any] | None:
    """The record for a correlation id or request id; None when the sandbox has none (or is gone)."""
    url = f"{control_url}/__baton/requests/{key}"
    for _ in range(RETRIES):  # the record is stored as the gateway answers: allow a moment for it
        try:
            response = client.get(url)
        except httpx.HTTPError:
            return None
        if response.status_code == 200:
            try:
                doc = response.json()
            except ValueError:
                return None
            return doc if isinstance(doc, dict) else None
        if response.status_code != 404:
            return None
        time.sleep(RETRY_DELAY)
    return None
