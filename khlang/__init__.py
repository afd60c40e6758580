"""khlang (คลัง, "the store"): publish Thailand's area-based budget data as open data
that meets the GD Catalog metadata standard, and serve it to people and programs."""

__version__ = "0.1.0"
