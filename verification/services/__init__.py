"""Every write of the credentialing file: one module per part (npi, psv, decisions, recredentialing)."""
