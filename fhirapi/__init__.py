"""The public directory as a read-only FHIR R4 Provider Directory API shaped by Da Vinci PDex
Plan-Net (issue 15; design and sources in docs/fhir-plan-net-design.md)."""
