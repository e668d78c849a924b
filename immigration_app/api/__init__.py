"""HTTP routes beside Reflex's own: things a browser fetches as files."""
