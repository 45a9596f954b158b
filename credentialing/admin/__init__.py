"""Credentialing admin: the Insurance Form (with the audited reveal) and payer applications."""

import importlib.util

from credentialing.admin import insurance_form  # noqa: F401

if importlib.util.find_spec("credentialing.admin.applications"):  # TEMPORARY while it is written
    from credentialing.admin import applications  # noqa: F401
