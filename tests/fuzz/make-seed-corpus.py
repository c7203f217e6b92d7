#!/usr/bin/env python3
# Writes the seed corpora in corpus/<target>/ (committed; run again only to
# change them): inputs each fuzzer should start from, so that it reaches
# deep paths at once. The ciphertexts are valid under the fuzzer's fixed key
# and owner (CiphertextFuzzer.cpp), made with the `cryptography` package
# from docs/CRYPTO_FORMAT.md, so they also check the C++ against the spec.
import base64
import json
import os
import random
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    os.makedirs(os.path.join(HERE, "corpus", target), exist_ok=True)
    with open(os.path.join(HERE, "corpus", target, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


selectors = ["app=web", "app==web,tier!=db", "env in (prod, qa)", "!legacy",
             "tier notin (a,b),x", "example.com/a-b_c.d=v-1", "", "app in ()", "a,b,c",
             "k8s.io/name in (x),!k8s.io/gone,app=", "a=" + "b" * 63, "a in (b,c),a notin (d)"]
for i, selector in enumerate(selectors):
    write("label_selector", f"seed-{i:02d}", selector)


def token(fields):
    text = json.dumps(fields, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


tokens = [{"v": 1, "rv": 5, "o": 0, "ns": "a", "n": "b", "id": 0},
          {"v": 1, "rv": 2**64 - 1, "o": 1, "ns": "", "n": "", "id": 2**63 - 1},
          {"v": 1, "rv": 1, "o": 0, "ns": "kasten-io", "n": "backup-x", "id": -1},
          {"v": 2, "rv": 1, "o": 0, "ns": "a", "n": "b", "id": 0}]
for i, fields in enumerate(tokens):
    write("continue_token", f"seed-{i:02d}", token(fields))
write("continue_token", "seed-garbage", "not-a-token")

objects = [
    '{"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction","metadata":{"name":"a",'
    '"namespace":"ns","labels":{"app":"web"},"annotations":{"x":"y"}},"spec":{"subject":{"name":"db",'
    '"namespace":"ns"},"expiresAt":"2030-01-01T00:00:00Z"},"status":{"state":"Complete"}}',
    '{"metadata":{"labels":{"x":null,"y":"z"}},"status":{"state":"Running"}}',
    '[{"op":"replace","path":"/metadata/labels/x","value":"w"},{"op":"add","path":"/metadata/'
    'annotations","value":{}},{"op":"remove","path":"/status"},{"op":"test","path":"/kind",'
    '"value":"BackupAction"},{"op":"move","from":"/spec","path":"/spec2"},{"op":"copy",'
    '"from":"/metadata","path":"/m"}]',
    '{"metadata":{"name":"a","generateName":"b-","resourceVersion":"12","uid":"u","generation":3,'
    '"creationTimestamp":"2024-01-01T00:00:00Z"}}',
    '{"a":[1,2.5e10,-0,true,false,null,"\\u00e9\\ud83d\\ude00"],"b":{"c":{"d":[[[]]]}}}',
    "[" * 1200,
]
for i, text in enumerate(objects):
    write("object_json", f"seed-{i:02d}", text)

KEY = bytes([0x42]) * 32  # CiphertextFuzzer.cpp's kKey
OWNER = b"owner"          # and kOwner
rnd = random.Random(1)


def random_bytes(n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


def common(kind, algorithm):
    return b"KIOD" + bytes([1, kind, algorithm, 0]) + struct.pack(">II", 7, 1)


for kind, name in [(1, "message"), (2, "wrapped-key")]:
    for size in (0, 32, 100):
        nonce = random_bytes(12)
        header = common(kind, 1) + nonce
        sealed = AESGCM(KEY).encrypt(nonce, random_bytes(size), header + OWNER)
        write("ciphertext", f"{name}-{size}", header + sealed)


def stream(segment, payload):
    salt = random_bytes(32)
    header = common(3, 2) + struct.pack(">I", segment) + salt
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"kiod.stream.v1").derive(KEY)
    pieces = [payload[i:i + segment] for i in range(0, len(payload), segment)] or [b""]
    out = header
    for i, piece in enumerate(pieces):
        nonce = i.to_bytes(11, "big") + bytes([1 if i == len(pieces) - 1 else 0])
        out += AESGCM(key).encrypt(nonce, piece, header + OWNER)
    return out


write("ciphertext", "stream-empty", stream(16, b""))
write("ciphertext", "stream-one", stream(64, b"x" * 10))
write("ciphertext", "stream-many", stream(8, bytes(range(50))))
write("ciphertext", "header-only", common(3, 2) + struct.pack(">I", 4) + bytes(32))
