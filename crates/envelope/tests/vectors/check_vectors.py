#!/usr/bin/env python3
"""Check known_answer.json against docs/envelope.md with a second implementation.

It uses Python's `cryptography` package (Debian: python3-cryptography) and the data key
recorded in each vector, so it checks the key id, the header layout, the metadata key
and block, the payload key, the STREAM nonces and chunk framing. It does not redo the
HPKE wrapping, which the `hpke` crate implements from RFC 9180.

Run: python3 crates/envelope/tests/vectors/check_vectors.py
"""

import hashlib
import json
import pathlib
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FIXED_HEADER_LEN = 144
TAG_LEN = 16


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def open_payload(payload: bytes, key: bytes, prefix: bytes, chunk_size: int) -> bytes:
    plaintext, index, position = b"", 0, 0
    while True:
        remaining = len(payload) - position
        last = remaining <= chunk_size + TAG_LEN
        length = remaining if last else chunk_size + TAG_LEN
        nonce = prefix + struct.pack(">I", index) + bytes([1 if last else 0])
        plaintext += AESGCM(key).decrypt(nonce, payload[position : position + length], b"")
        position += length
        index += 1
        if last:
            return plaintext


def check(vector: dict) -> None:
    envelope = bytes.fromhex(vector["envelope"])
    data_key = bytes.fromhex(vector["data_key"])
    assert envelope[:8] == b"SEALPOST", "magic"
    assert envelope[8] == 1, "version"
    assert struct.unpack(">HHHH", envelope[9:17]) == (0x0020, 0x0001, 0x0002, 0x0001), "suite ids"
    prefix = envelope[129:136]
    assert prefix.hex() == vector["nonce_prefix"], "nonce prefix"
    chunk_size, metadata_len = struct.unpack(">II", envelope[136:FIXED_HEADER_LEN])
    assert chunk_size == vector["chunk_size"], "chunk size"
    header = envelope[: FIXED_HEADER_LEN + metadata_len]

    metadata_key = hkdf_sha256(prefix, data_key, b"sealpost-envelope v1 metadata key")
    metadata = AESGCM(metadata_key).decrypt(bytes(12), header[FIXED_HEADER_LEN:], header[:FIXED_HEADER_LEN])
    assert metadata.decode() == vector["metadata_json"], "metadata"

    payload_info = b"sealpost-envelope v1 payload key" + hashlib.sha256(header).digest()
    payload_key = hkdf_sha256(prefix, data_key, payload_info)
    plaintext = open_payload(envelope[len(header) :], payload_key, prefix, chunk_size)
    assert plaintext.hex() == vector["plaintext"], "plaintext"


def main() -> int:
    vectors = json.loads((pathlib.Path(__file__).parent / "known_answer.json").read_text())
    secret = X25519PrivateKey.from_private_bytes(bytes.fromhex(vectors["identity_secret_key"]))
    public = secret.public_key().public_bytes_raw()
    assert public.hex() == vectors["recipient_public_key"], "public key"
    key_id = hashlib.sha256(b"sealpost-envelope key id v1" + b"\x00\x20" + public).hexdigest()
    assert key_id == vectors["key_id"], "key id"
    for vector in vectors["vectors"]:
        check(vector)
        print(f"ok {vector['name']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
