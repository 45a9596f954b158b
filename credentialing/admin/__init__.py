"""Credentialing admin: the Insurance Form (with the audited reveal) and payer applications."""

from credentialing.admin import applications, insurance_form  # noqa: F401
