"""The catalog store: datasets, immutable versions, files, users, and registration to
CKAN and the GD Catalog."""
