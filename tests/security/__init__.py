"""Attacks from the security review, each played against the product; every test names the attack it stops."""
