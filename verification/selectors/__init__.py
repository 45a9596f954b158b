"""Reads of the credentialing file for the pages above (one module per part)."""
