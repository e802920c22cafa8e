"""Validate the command line's outputs with independent parsers (used by cli/tests/formats.rs).

    validate.py fhir <bundle.json>   every resource parsed by fhir.resources' R4B models
    validate.py x12 <file.835>       parsed and validated by pyx12 against the 005010X221A1 map

Prints OK and exits 0, or prints the problems and exits 1.
"""
import json
import logging
import sys


def fhir(path):
    from fhir.resources.R4B.bundle import Bundle

    with open(path) as f:
        data = json.load(f)
    bundle = Bundle.parse_obj(data)
    kinds = sorted({e.resource.resource_type for e in bundle.entry or []})
    print("OK", len(bundle.entry or []), "resources:", ", ".join(kinds))


def x12(path):
    import pyx12.params
    import pyx12.x12n_document

    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.ERROR:
                records.append(record.getMessage())

    logger = logging.getLogger("pyx12")
    logger.setLevel(logging.INFO)
    logger.addHandler(Collect())
    params = pyx12.params.params()
    # No 999 acknowledgement is asked for: pyx12 4.0's 999 writer fails on some inputs; the
    # validation errors are what matter, and pyx12 logs each one.
    with open(path) as src:
        ok = pyx12.x12n_document.x12n_document(params, src, None, None)
    if not ok or records:
        print("INVALID", *records, sep="\n")
        sys.exit(1)
    print("OK 835 valid (pyx12)")


if __name__ == "__main__":
    {"fhir": fhir, "x12": x12}[sys.argv[1]](sys.argv[2])
