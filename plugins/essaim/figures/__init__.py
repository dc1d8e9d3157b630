"""/chiffres/: the territory in figures (generator.py), charts drawn as SVG text (charts.py)."""
