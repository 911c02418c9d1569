#!/usr/bin/env python3
"""Independent reference of palmbid's coefficient draw (hall::draw).

Written from the encoding in the module doc of core/src/hall/draw.rs, with
only hashlib and hmac, so the Rust test has a judge it does not share code
with. Reads a JSON list of cases on stdin and writes a JSON list of results.

A case: {"project_id", "draw_id", "candidates": [str], "seed": hex,
"contributions": [{"bidder_id", "value": hex}], optional "candidate_count"
(overrides len(candidates) for the index only)}.
A result: {"candidates_sha256": hex, "commitment": hex,
"messages": [hex, one per contribution in input order], "index": int or null}.
"""

import hashlib
import hmac
import json
import sys


def field(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def candidates_sha256(candidates):
    data = field(b"palmbid-draw-candidates-v1") + len(candidates).to_bytes(8, "big")
    for candidate in candidates:
        data += field(candidate.encode("utf-8"))
    return hashlib.sha256(data).digest()


def commitment(project_id, draw_id, candidates, seed):
    data = (
        field(b"palmbid-draw-commit-v1")
        + field(project_id.encode("utf-8"))
        + field(draw_id.encode("utf-8"))
        + field(candidates_sha256(candidates))
        + field(seed)
    )
    return hashlib.sha256(data).digest()


def message(project_id, draw_id, bidder_id, value):
    return (
        field(b"palmbid-draw-contribution-v1")
        + field(project_id.encode("utf-8"))
        + field(draw_id.encode("utf-8"))
        + field(bidder_id.encode("utf-8"))
        + field(value)
    )


def hkdf_expand_8(prk, info):
    # RFC 5869 section 2.3: the first block T(1) = HMAC(PRK, info || 0x01).
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:8]


def derive_index(project_id, draw_id, seed, contributions, count, max_rounds=64):
    if count == 0:
        return None
    ordered = sorted(contributions, key=lambda c: c[0].encode("utf-8"))
    ikm = field(project_id.encode("utf-8")) + field(draw_id.encode("utf-8")) + field(seed)
    ikm += len(ordered).to_bytes(8, "big")
    for bidder_id, value in ordered:
        ikm += field(bidder_id.encode("utf-8")) + field(value)
    # RFC 5869 section 2.2: PRK = HMAC(salt, IKM).
    prk = hmac.new(b"palmbid-draw-result-v1", ikm, hashlib.sha256).digest()
    limit = 2**64 - (2**64 % count)
    for round_no in range(max_rounds):
        info = b"palmbid-draw-index-v1" + count.to_bytes(8, "big") + round_no.to_bytes(4, "big")
        x = int.from_bytes(hkdf_expand_8(prk, info), "big")
        if x < limit:
            return x % count
    return None


def result_of(case):
    seed = bytes.fromhex(case["seed"])
    contributions = [(c["bidder_id"], bytes.fromhex(c["value"])) for c in case["contributions"]]
    count = case.get("candidate_count", len(case["candidates"]))
    return {
        "candidates_sha256": candidates_sha256(case["candidates"]).hex(),
        "commitment": commitment(case["project_id"], case["draw_id"], case["candidates"], seed).hex(),
        "messages": [message(case["project_id"], case["draw_id"], b, v).hex() for b, v in contributions],
        "index": derive_index(case["project_id"], case["draw_id"], seed, contributions, count),
    }


if __name__ == "__main__":
    json.dump([result_of(case) for case in json.load(sys.stdin)], sys.stdout)
