"""Shipped profiles (package data): ``importlib.resources.files("profiles")`` finds them in a wheel too."""
