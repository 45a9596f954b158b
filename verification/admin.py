"""Staff pages of the credentialing file. Each part keeps its admin in its own module, which
registers its ModelAdmins when imported here."""

from verification import (
    admin_decisions,  # noqa: F401 - credentialing decisions: the Record decision page, the list
    admin_export,  # noqa: F401 - the credentialing file's export and its download audit
    admin_npi,  # noqa: F401 - the NPI registry checks, read-only evidence
    admin_psv,  # noqa: F401 - primary-source verifications: the file page, recording, evidence
)
