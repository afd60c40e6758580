"""Table and file validation: Table Schema checks with Frictionless-compatible reports,
Thai encodings and open formats."""
