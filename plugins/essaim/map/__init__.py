"""Geography: geocoding of record addresses for contributors (never during a build)."""
