"""Validates every signature of a PDF with pyHanko and prints a JSON verdict.

Usage: pyhanko_validate.py FILE.pdf CA.pem

The CA certificate is the only trust root; nothing is fetched from the
network. One JSON object per signature, in file order, in a list:
field, intact, valid, trusted, bottom_line, coverage, modification_level,
docmdp_ok, subfilter, signed_attributes, signer_reported_time, timestamp,
pades_level. pyHanko does not name a PAdES level itself. This script sets
pades_level to "B-B" when the signature pyHanko parsed has the B-B
features of ETSI EN 319 142-1, 6.3 (ETSI.CAdES.detached,
signing-certificate-v2, no signing-time attribute) and no signature time
stamp. Otherwise pades_level is null.
"""

import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def verdict(sig, context):
    status = validate_pdf_signature(sig, context)
    attrs = sorted(a['type'].native for a in sig.signer_info['signed_attrs'])
    subfilter = str(sig.sig_object.get('/SubFilter'))
    timestamp = status.timestamp_validity is not None
    b_b = (
        subfilter == '/ETSI.CAdES.detached'
        and 'signing_certificate_v2' in attrs
        and 'signing_time' not in attrs
        and not timestamp
    )
    level = status.modification_level
    reported = status.signer_reported_dt
    return {
        'field': sig.field_name,
        'intact': bool(status.intact),
        'valid': bool(status.valid),
        'trusted': bool(status.trusted),
        'bottom_line': bool(status.bottom_line),
        'coverage': status.coverage.name if status.coverage else None,
        'modification_level': level.name if level is not None else None,
        'docmdp_ok': status.docmdp_ok,
        'subfilter': subfilter,
        'signed_attributes': attrs,
        'signer_reported_time': reported.isoformat() if reported else None,
        'timestamp': timestamp,
        'pades_level': 'B-B' if b_b else None,
    }


def main():
    pdf_path, ca_path = sys.argv[1], sys.argv[2]
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(ca_path)], allow_fetching=False
    )
    with open(pdf_path, 'rb') as f:
        reader = PdfFileReader(f, strict=False)
        out = [verdict(sig, context) for sig in reader.embedded_signatures]
    print(json.dumps(out))


if __name__ == '__main__':
    main()
