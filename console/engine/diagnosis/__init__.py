"""Diagnosis: rules per hop family turn observations into findings and one verdict."""
