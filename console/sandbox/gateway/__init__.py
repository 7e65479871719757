"""API Gateway emulator: REST (v1) and HTTP (v2) APIs with authorizers, mappings and control plane."""
