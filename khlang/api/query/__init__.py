"""Row and aggregate queries over tabular resources: a parameter language checked against the
resource's Table Schema, compiled to bound DuckDB SQL, and run with time and memory limits."""
