"""Applications built from Kamaelia components."""
