"""Django's SQLite engine with its connections to a database file kept between requests
(:mod:`.base`)."""
