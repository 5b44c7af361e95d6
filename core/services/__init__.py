"""Use cases: plain functions that check, change and flush, and never commit."""
