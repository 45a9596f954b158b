"""fhir.resources' default package is R5, and an R4B Bundle silently accepts an R5 resource:
every model the API builds must come from the R4B subpackage (Plan-Net is on R4)."""

import pathlib
import re

import fhirapi

_FHIR_IMPORT = re.compile(r"^\s*(?:from|import)\s+(fhir\.resources[\w.]*)", re.MULTILINE)


def test_the_api_imports_only_r4b_models():
    found = {
        (path.name, module)
        for path in pathlib.Path(fhirapi.__file__).parent.rglob("*.py")
        for module in _FHIR_IMPORT.findall(path.read_text())
    }
    assert found  # the API does build with fhir.resources
    assert {(name, module) for name, module in found if not module.startswith("fhir.resources.R4B")} == set()
