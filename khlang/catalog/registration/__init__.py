"""Registration: pushing the catalog's datasets to CKAN catalogs (a stock CKAN or a GD
Catalog agency catalog) idempotently and safely, checking them for drift, and reading the
GD Catalog harvester's state of each dataset."""
