"""Verification's background work: thin, idempotent tasks that re-fetch and call one service."""
