"""HTTP routes: thin layers over `khlang.api.service` and the query engine."""
