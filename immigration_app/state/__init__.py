"""Reflex state classes: they authorise, call services and hold what pages show."""
