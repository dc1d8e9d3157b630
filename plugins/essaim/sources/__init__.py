"""What is pulled from services we do not run into a territory's files, never during a build:
the national registry of companies (registry.py). Through the one HTTP client (net/)."""
