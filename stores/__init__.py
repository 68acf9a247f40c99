"""Rasa tracker and lock stores configured from the environment."""
