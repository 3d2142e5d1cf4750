"""Checks on the mapped entities before anything is written: references, money, every record accounted for."""
