"""Datasets behind the map (report text, boundaries, initiatives, county facts); pure loaders."""
