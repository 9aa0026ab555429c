"""Tests for C2SP signed-note checkpoints in gongzhi.ledger.checkpoint (pure Python, no Django)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gongzhi.ledger.checkpoint import (
    MAX_SIGNATURES,
    Checkpoint,
    CheckpointError,
    generate_signer,
    key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint_body,
    parse_signer,
    parse_verifier,
    sign_checkpoint,
    sign_note,
    signer_from_seed,
)

# Interoperability vectors from golang.org/x/mod sumdb/note/note_test.go (TestSign, TestOpen): an independent
# implementation of the same signed-note format and key encodings.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_ENOCH_VERIFIER = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
GO_ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)

# A fixed key (seed 00 01 .. 1f) and checkpoint whose signed note is asserted byte for byte below. The root is the
# RFC 6962 root of the 3 standard test leaves (see test_merkle.py).
FIXED_SEED = bytes(range(32))
FIXED_NAME = "example.org/gongzhi"
FIXED_ROOT = bytes.fromhex("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77")
FIXED_NOTE = (
    "example.org/gongzhi\n"
    "3\n"
    "rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=\n"
    "\n"
    "\u2014 example.org/gongzhi "
    "W6IcC896cFnSDwL/5f+2N1+S2gZ8BRNNpBv2SAxJUqi8PRB3iaBizPBAz/hJwnQ7uinGO9T+UKPpf9dIbmWQZkxmTQQ=\n"
)


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_signer("gongzhi.example/ledger")


def _note(keys: tuple[str, str], size: int = 42, root: bytes = b"\x07" * 32) -> str:
    return sign_checkpoint(Checkpoint("gongzhi.example/ledger", size, root), keys[0])


# --- interoperability with Go's sumdb/note -------------------------------------------------------------------------


def test_go_vector_sign_is_byte_identical() -> None:
    assert sign_note(GO_TEXT, GO_SIGNER) == GO_TEXT + "\n" + GO_PETER_SIG


def test_go_vector_keys() -> None:
    signer = parse_signer(GO_SIGNER)
    verifier = parse_verifier(GO_VERIFIER)
    assert signer.text() == GO_SIGNER
    assert verifier.text() == GO_VERIFIER
    assert signer.verifier() == verifier
    assert verifier.key_id == bytes.fromhex("c74f20a3") == key_id("PeterNeumann", verifier.public_key)


def test_go_vector_open() -> None:
    assert open_note(GO_TEXT + "\n" + GO_PETER_SIG, GO_VERIFIER) == GO_TEXT
    # Signatures by other keys are ignored, in any position, and duplicates are fine.
    assert open_note(GO_TEXT + "\n" + GO_PETER_SIG + GO_ENOCH_SIG, GO_VERIFIER) == GO_TEXT
    assert open_note(GO_TEXT + "\n" + GO_ENOCH_SIG + GO_PETER_SIG + GO_PETER_SIG, GO_VERIFIER) == GO_TEXT
    assert open_note(GO_TEXT + "\n" + GO_PETER_SIG + GO_ENOCH_SIG, GO_ENOCH_VERIFIER) == GO_TEXT
    assert open_note((GO_TEXT + "\n" + GO_PETER_SIG).encode("utf-8"), GO_VERIFIER) == GO_TEXT
    with pytest.raises(CheckpointError, match="unknown key"):
        open_note(GO_TEXT + "\n" + GO_ENOCH_SIG, GO_VERIFIER)
    corrupt = GO_PETER_SIG[:60] + "ABCD" + GO_PETER_SIG[60:]
    with pytest.raises(CheckpointError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        open_note(GO_TEXT + "\n" + corrupt, GO_VERIFIER)
    with pytest.raises(CheckpointError, match="more than"):
        open_note(GO_TEXT + "\n" + GO_PETER_SIG * (MAX_SIGNATURES + 1), GO_VERIFIER)
    assert open_note(GO_TEXT + "\n" + GO_PETER_SIG * MAX_SIGNATURES, GO_VERIFIER) == GO_TEXT


@pytest.mark.parametrize(
    "message",
    [
        GO_TEXT,
        GO_TEXT + "\n",
        GO_TEXT + "\n" + GO_PETER_SIG[:-1],
        "\x01" + GO_TEXT + "\n" + GO_PETER_SIG,
        GO_TEXT
        + "\n"
        + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        GO_TEXT + "\n" + GO_PETER_SIG + "Unexpected line.\n",
    ],
)
def test_go_vector_malformed_notes(message: str) -> None:
    with pytest.raises(CheckpointError, match="malformed note"):
        open_note(message, GO_VERIFIER)


def test_non_utf8_note_rejected() -> None:
    with pytest.raises(CheckpointError, match="UTF-8"):
        open_note(b"\xff" + (GO_TEXT + "\n" + GO_PETER_SIG).encode(), GO_VERIFIER)


@pytest.mark.parametrize("key_text", [GO_VERIFIER, GO_SIGNER])
def test_mangled_key_texts_rejected(key_text: str) -> None:
    parse = parse_signer if key_text.startswith("PRIVATE+") else parse_verifier
    # Every proper substring and every single-character change must be refused (mirrors Go's TestNewVerifier).
    for i in range(len(key_text) + 1):
        for j in range(i + 1, len(key_text) + 1):
            if (i, j) != (0, len(key_text)):
                with pytest.raises(CheckpointError):
                    parse(key_text[i:j])
    for i in range(len(key_text)):
        mangled = key_text[:i] + chr(ord(key_text[i]) + 1) + key_text[i + 1 :]
        with pytest.raises(CheckpointError):
            parse(mangled)


def test_signer_errors_do_not_leak_the_key() -> None:
    bad = GO_SIGNER[:-2] + "zz"
    with pytest.raises(CheckpointError) as info:
        parse_signer(bad)
    assert "AYEKFALV" not in str(info.value)
    assert "AYEKFALV" not in repr(parse_signer(GO_SIGNER))


# --- checkpoints ------------------------------------------------------------------------------------------------


def test_fixed_seed_note_is_byte_exact() -> None:
    signer_text, verifier_text = signer_from_seed(FIXED_NAME, FIXED_SEED)
    note = sign_checkpoint(Checkpoint(FIXED_NAME, 3, FIXED_ROOT), signer_text)
    assert note.encode("utf-8") == FIXED_NOTE.encode("utf-8")
    assert b"=\n\n\xe2\x80\x94 example.org/gongzhi W6Ic" in note.encode("utf-8")  # U+2014 is E2 80 94 in UTF-8

    # Recheck key id and signature with hashlib/cryptography directly, independently of the module under test.
    public = Ed25519PrivateKey.from_private_bytes(FIXED_SEED).public_key().public_bytes_raw()
    expected_id = hashlib.sha256(FIXED_NAME.encode() + b"\n\x01" + public).digest()[:4]
    body, _, sig_line = FIXED_NOTE.rpartition("\n\n")
    assert sig_line.startswith("\u2014 " + FIXED_NAME + " ")
    raw = base64.b64decode(sig_line.split(" ")[2])
    assert raw[:4] == expected_id and len(raw) == 68
    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], (body + "\n").encode())
    assert verifier_text == f"{FIXED_NAME}+{expected_id.hex()}+" + base64.b64encode(b"\x01" + public).decode()
    assert (
        signer_text
        == f"PRIVATE+KEY+{FIXED_NAME}+{expected_id.hex()}+" + base64.b64encode(b"\x01" + FIXED_SEED).decode()
    )

    assert open_checkpoint(FIXED_NOTE, verifier_text) == Checkpoint(FIXED_NAME, 3, FIXED_ROOT)


def test_body_format() -> None:
    cp = Checkpoint(
        "example.com/behind-the-sofa", 20852163, base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    )
    # The example body from c2sp.org/tlog-checkpoint.
    assert cp.body() == "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert Checkpoint("o", 0, bytes(32)).body() == "o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"


def test_roundtrip(keys: tuple[str, str]) -> None:
    signer_text, verifier_text = keys
    assert signer_text.startswith("PRIVATE+KEY+gongzhi.example/ledger+")
    cp = Checkpoint("gongzhi.example/ledger", 123456789, hashlib.sha256(b"root").digest())
    note = sign_checkpoint(cp, signer_text)
    assert note.startswith(cp.body() + "\n\u2014 gongzhi.example/ledger ")
    assert note.count("\n") == 5
    assert open_checkpoint(note, verifier_text) == cp
    assert open_checkpoint(note, verifier_text, origin="gongzhi.example/ledger") == cp
    with pytest.raises(CheckpointError, match="does not match expected"):
        open_checkpoint(note, verifier_text, origin="gongzhi.example/other")
    assert parse_signer(signer_text).verifier() == parse_verifier(verifier_text)


def test_generated_keys_differ() -> None:
    assert generate_signer("a") != generate_signer("a")


@pytest.mark.parametrize("name", ["", "a b", "a+b", "tab\tname", "nl\nname", "nbsp\u00a0name"])
def test_invalid_key_names(name: str) -> None:
    with pytest.raises(CheckpointError, match="invalid key name"):
        generate_signer(name)


def test_tampered_body_rejected(keys: tuple[str, str]) -> None:
    note = _note(keys, size=42)
    for old, new in [("\n42\n", "\n43\n"), ("gongzhi.example/ledger\n", "gongzhi.example/ledgeR\n"), ("BwcH", "BwcI")]:
        tampered = note.replace(old, new, 1)
        assert tampered != note
        with pytest.raises(CheckpointError, match="invalid signature"):
            open_checkpoint(tampered, keys[1])


def test_tampered_signature_rejected(keys: tuple[str, str]) -> None:
    note = _note(keys)
    body, _, line = note.rpartition("\n\n")
    prefix, encoded = line[:-1].rsplit(" ", 1)
    raw = base64.b64decode(encoded)
    for bit in [0, 7, 40, 300, 543]:  # key-id bits and signature bits
        flipped = bytearray(raw)
        flipped[bit // 8] ^= 1 << (bit % 8)
        tampered = f"{body}\n\n{prefix} {base64.b64encode(bytes(flipped)).decode()}\n"
        # A flipped key-id bit makes the signature unknown; a flipped signature bit makes it invalid.
        with pytest.raises(CheckpointError, match="unknown key" if bit < 32 else "invalid signature"):
            open_checkpoint(tampered, keys[1])


def test_wrong_key_rejected(keys: tuple[str, str]) -> None:
    note = _note(keys)
    _, same_name_other_key = generate_signer("gongzhi.example/ledger")
    _, other_name = generate_signer("gongzhi.example/other")
    for verifier_text in (same_name_other_key, other_name, GO_VERIFIER):
        with pytest.raises(CheckpointError, match="unknown key"):
            open_checkpoint(note, verifier_text)


def test_structural_damage_rejected(keys: tuple[str, str]) -> None:
    note = _note(keys)
    body, _, sig = note.rpartition("\n\n")
    damaged = {
        "missing blank line": f"{body}\n{sig}",
        "two blank lines before signatures": f"{body}\n\n\n{sig}",
        "trailing blank line": note + "\n",
        "missing final newline": note[:-1],
        "trailing space": note[:-1] + " \n",
        "space before em dash": f"{body}\n\n {sig}",
        "double space after em dash": f"{body}\n\n{sig.replace(' ', '  ', 1)}",
        "hyphen instead of em dash": f"{body}\n\n-{sig[1:]}",
        "CRLF line endings": note.replace("\n", "\r\n"),
        "tab separator": f"{body}\n\n{sig.replace(' ', chr(9), 1)}",
        "no signatures": body + "\n\n",
        "empty": "",
    }
    for desc, text in damaged.items():
        with pytest.raises(CheckpointError):
            open_checkpoint(text, keys[1])
            pytest.fail(desc)


GOOD_ROOT_B64 = base64.b64encode(b"\x07" * 32).decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f"o\n0x10\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n-1\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n+1\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n012\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n1e3\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n\uff11\uff12\n{GOOD_ROOT_B64}\n", "tree size"),  # fullwidth digits: str.isdigit() would accept them
        (f"o\n 5\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n5 \n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n1_000\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n\n{GOOD_ROOT_B64}\n", "tree size"),
        (f"o\n{2**64}\n{GOOD_ROOT_B64}\n", "out of range"),
        ("o\n5\n!!!!\n", "not valid base64"),
        (f"o\n5\n{GOOD_ROOT_B64.rstrip('=')}\n", "base64"),
        (f"o\n5\n{GOOD_ROOT_B64} \n", "base64"),
        (f"o\n5\n{GOOD_ROOT_B64[:-2]}x=\n", "canonical"),  # non-zero padding bits
        (f"o\n5\n{base64.b64encode(bytes(31)).decode()}\n", "31 bytes"),
        (f"o\n5\n{base64.b64encode(bytes(33)).decode()}\n", "33 bytes"),
        (f"o\n5\n{GOOD_ROOT_B64}\n\nextension\n", "empty extension"),
        (f"\n5\n{GOOD_ROOT_B64}\n", "origin"),
        (f"my log\n5\n{GOOD_ROOT_B64}\n", "origin"),
        (f" o\n5\n{GOOD_ROOT_B64}\n", "origin"),
        ("o\n5\n", "need origin, tree size and root hash"),
    ],
)
def test_malformed_signed_bodies_rejected(keys: tuple[str, str], body: str, message: str) -> None:
    # Correctly signed, so these reach the checkpoint parser rather than failing signature verification.
    note = sign_note(body, keys[0])
    with pytest.raises(CheckpointError, match=message):
        open_checkpoint(note, keys[1])


def test_extension_lines_preserved_on_parse(keys: tuple[str, str]) -> None:
    body = f"gongzhi.example/ledger\n7\n{GOOD_ROOT_B64}\nextension one\n— extension two\n"
    cp = open_checkpoint(sign_note(body, keys[0]), keys[1])
    assert cp.tree_size == 7 and cp.root_hash == b"\x07" * 32
    assert cp.extensions == ("extension one", "— extension two")
    assert cp.body() == body
    with pytest.raises(CheckpointError, match="extension lines is not supported"):
        sign_checkpoint(cp, keys[0])


def test_parse_checkpoint_body_accepts_size_zero_and_max() -> None:
    assert parse_checkpoint_body(f"o\n0\n{GOOD_ROOT_B64}\n").tree_size == 0
    assert parse_checkpoint_body(f"o\n{2**64 - 1}\n{GOOD_ROOT_B64}\n").tree_size == 2**64 - 1


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [("", 1, bytes(32)), ("a b", 1, bytes(32)), ("o", -1, bytes(32)), ("o", 1, bytes(31)), ("o", True, bytes(32))],
)
def test_checkpoint_validates_fields(origin: str, size: int, root: bytes) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint(origin, size, root)


def test_sign_note_rejects_bad_text(keys: tuple[str, str]) -> None:
    for text in ["no final newline", "carriage\r\nreturn\n", "nul\x00\n"]:
        with pytest.raises(CheckpointError, match="malformed note"):
            sign_note(text, keys[0])
    with pytest.raises(CheckpointError, match="signer key"):
        sign_note("text\n", keys[1])  # a verifier key is not a signer key
