"""IIS W3C, HTTPERR and API Gateway access logs: read every line, search, count and join them (no UI)."""
