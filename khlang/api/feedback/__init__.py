"""Public feedback over HTTP: the JSON API's routes (`routes.py`), what keeps spam and abuse
out without a third-party service (`guard.py`), and the optional notifications by email and
webhook (`notify.py`). The catalog (`khlang.catalog.feedback`) decides who may do what."""
