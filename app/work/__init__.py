"""My work: what a signed-in person can act on now, for the home page and GET /api/me/work."""
