"""The GD Catalog metadata profile: vocabularies, fields, models, compliance and mappings."""
