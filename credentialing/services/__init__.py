"""Every write and state transition of credentialing."""
