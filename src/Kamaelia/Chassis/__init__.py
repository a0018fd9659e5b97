"""Chassis: components that hold and wire other components (Pipeline, ...)."""
