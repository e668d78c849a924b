"""Domain logic in plain Python. Functions take a Session; nothing here imports reflex."""
