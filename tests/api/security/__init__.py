"""Adversarial tests of `khlang serve`: what an attacker found, closed (issue 15)."""
