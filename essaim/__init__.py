"""Essaim: socially and environmentally responsible public procurement for a territory."""
