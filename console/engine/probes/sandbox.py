"""The sandbox probe: the emulators' own record of what each hop saw (ground truth), read over HTTP."""

from __future__ import annotations

import time

import httpx

from console.engine.deadline import deadline
from console.engine.probes.record import GroundTruth, parse_ground_truth
from console.engine.transport import hop_budget

RETRIES = 10
RETRY_DELAY = 0.05


def fetch_ground_truth(client: httpx.Client, control_url: str, key: str) -> GroundTruth | None:
    """The record for a correlation id or request id; None when the sandbox has none (or is gone, or sent junk)."""
    url = f"{control_url}/__baton/requests/{key}"
    for _ in range(RETRIES):  # the record is stored as the gateway answers: allow a moment for it
        try:
            with deadline(hop_budget(client)):
                response = client.get(url)
        except httpx.HTTPError:
            return None
        if response.status_code == 200:
            try:
                doc = response.json()
                return parse_ground_truth(doc) if isinstance(doc, dict) else None
            except ValueError:  # not JSON, or not a record's shape
                return None
        if response.status_code != 404:
            return None
        time.sleep(RETRY_DELAY)
    return None
