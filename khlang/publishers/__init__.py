"""Source adapters, the area-budget model and dataset builders."""
