"""Verification's reactions to the layers below (connected in VerificationConfig.ready())."""
