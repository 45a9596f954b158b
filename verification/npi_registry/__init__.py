"""The NPPES NPI registry (the public API, version 2.1): a client with two backends, the parser of
its answer, and the pure rules that compare the answer with the Insurance Form.

- client.py: `lookup(npi)` asks the backend NPI_REGISTRY selects ("http" or "fixtures"), caches
  each answer for a day, throttles HTTP requests, and raises RegistryUnavailable for a transient
  failure (timeout, network, 5xx) as opposed to an answer (a hit, zero hits, an Errors[] envelope).
- parse.py: the JSON envelope as plain dataclasses.
- taxonomy.py: the NUCC mental-health taxonomy codes and the licence types they stand for.
- flags.py: the mismatches staff must look at.

The look-up is evidence, not primary-source verification: NCQA accepts no credential from NPPES.
"""
