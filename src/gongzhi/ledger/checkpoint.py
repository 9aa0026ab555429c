"""C2SP tlog-checkpoint in C2SP signed-note format, signed with Ed25519.

Specs: https://c2sp.org/signed-note and https://c2sp.org/tlog-checkpoint. Key texts use the same encodings as
golang.org/x/mod/sumdb/note, so keys and notes interoperate with the Go ecosystem (witnesses, tlog tooling).

This module is pure Python and must not import Django.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "MAX_SIGNATURES",
    "SIGNATURE_TYPE_ED25519",
    "Checkpoint",
    "CheckpointError",
    "Signer",
    "Verifier",
    "generate_signer",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint_body",
    "parse_signer",
    "parse_verifier",
    "sign_checkpoint",
    "sign_note",
    "signer_from_seed",
]

#: Signature type identifier byte for Ed25519 assigned by signed-note.md.
SIGNATURE_TYPE_ED25519 = 0x01
#: Upper bound on signature lines per note; the spec requires accepting at least 16 and Go's note package allows 100.
MAX_SIGNATURES = 100
#: Tree sizes are uint64 in every tlog implementation we might interoperate with.
MAX_TREE_SIZE = 2**64 - 1

_SIG_PREFIX = "\u2014 "  # em dash + space
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HEX_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_ROOT_HASH_SIZE = 32


class CheckpointError(ValueError):
    """A key, note or checkpoint is malformed, or a signature does not verify."""


def _is_valid_name(name: str) -> bool:
    # signed-note.md: non-empty, no Unicode spaces, no '+'. Control characters are never valid in a note either.
    return bool(name) and "+" not in name and not any(ch.isspace() or ord(ch) < 0x20 or ch == "\x7f" for ch in name)


def _check_note_chars(text: str) -> None:
    # signed-note.md: no ASCII control characters other than newline (this also rules out CR and TAB).
    for ch in text:
        if (ord(ch) < 0x20 and ch != "\n") or ch == "\x7f":
            raise CheckpointError(f"malformed note: control character U+{ord(ch):04X}")


def _b64decode(value: str, what: str) -> bytes:
    """Decode standard padded base64, rejecting anything that would not re-encode to the same text."""
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise CheckpointError(f"{what} is not valid base64") from None
    # Canonical form only: otherwise one signature or root would have several accepted spellings.
    if base64.b64encode(decoded).decode("ascii") != value:
        raise CheckpointError(f"{what} is not canonical base64")
    return decoded


def _b64encode(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key ID SHA-256(name || 0x0A || 0x01 || public key)[:4] for an Ed25519 key."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([SIGNATURE_TYPE_ED25519]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 note verifier key: ``<name>+<hex key id>+<base64(0x01 || public key)>``."""

    name: str
    key_id: bytes
    public_key: bytes

    def text(self) -> str:
        """Return the verifier key in text form."""
        return f"{self.name}+{self.key_id.hex()}+{_b64encode(bytes([SIGNATURE_TYPE_ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` is a valid Ed25519 signature of ``message`` by this key."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """An Ed25519 note signer key: ``PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>``."""

    name: str
    key_id: bytes
    seed: bytes = field(repr=False)  # never print private key material

    def text(self) -> str:
        """Return the signer key in text form (secret)."""
        encoded = _b64encode(bytes([SIGNATURE_TYPE_ED25519]) + self.seed)
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{encoded}"

    def verifier(self) -> Verifier:
        """Return the matching verifier."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return Verifier(self.name, self.key_id, public)

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of ``message``."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def signer_from_seed(name: str, seed: bytes) -> tuple[str, str]:
    """Return ``(signer text, verifier text)`` for an Ed25519 key given by its 32-byte seed."""
    if not _is_valid_name(name):
        raise CheckpointError(f"invalid key name {name!r}: must be non-empty without spaces or '+'")
    if len(seed) != 32:
        raise CheckpointError(f"Ed25519 seed must be 32 bytes, got {len(seed)}")
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    signer = Signer(name, key_id(name, public), seed)
    return signer.text(), signer.verifier().text()


def generate_signer(name: str) -> tuple[str, str]:
    """Generate a fresh Ed25519 key; return ``(signer text, verifier text)``."""
    return signer_from_seed(name, Ed25519PrivateKey.generate().private_bytes_raw())


def _split_key(text: str, parts: int, what: str) -> list[str]:
    # The base64 key material may itself contain '+', so only the leading fields are split off (as Go does).
    fields = text.split("+", parts - 1)
    if len(fields) != parts:
        raise CheckpointError(f"malformed {what}: expected {parts} '+'-separated fields")
    return fields


def _decode_key_material(name: str, hex_id: str, encoded: str, what: str) -> tuple[bytes, bytes]:
    if not _is_valid_name(name):
        raise CheckpointError(f"malformed {what}: invalid key name {name!r}")
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise CheckpointError(f"malformed {what}: key id must be 8 hex digits")
    raw = _b64decode(encoded, f"{what} key")
    if len(raw) != 33 or raw[0] != SIGNATURE_TYPE_ED25519:
        raise CheckpointError(f"malformed {what}: expected 0x01 followed by a 32-byte Ed25519 key")
    return bytes.fromhex(hex_id), raw[1:]


def parse_verifier(text: str) -> Verifier:
    """Parse a verifier key text ``<name>+<hex key id>+<base64(0x01 || public key)>``."""
    name, hex_id, encoded = _split_key(text, 3, "verifier key")
    claimed_id, public = _decode_key_material(name, hex_id, encoded, "verifier key")
    if key_id(name, public) != claimed_id:
        raise CheckpointError("malformed verifier key: key id does not match name and public key")
    try:
        Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        raise CheckpointError("malformed verifier key: invalid Ed25519 public key") from None
    return Verifier(name, claimed_id, public)


def parse_signer(text: str) -> Signer:
    """Parse a signer key text ``PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>``."""
    # Error messages never echo the input: it is secret.
    fields = _split_key(text, 5, "signer key")
    if fields[0] != "PRIVATE" or fields[1] != "KEY":
        raise CheckpointError("malformed signer key: must start with PRIVATE+KEY+")
    name, hex_id, encoded = fields[2:]
    claimed_id, seed = _decode_key_material(name, hex_id, encoded, "signer key")
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    if key_id(name, public) != claimed_id:
        raise CheckpointError("malformed signer key: key id does not match name and key")
    return Signer(name, claimed_id, seed)


def sign_note(text: str, signer_text: str) -> str:
    """Return ``text`` as a signed note with one signature line from ``signer_text``."""
    _check_note_chars(text)
    if not text.endswith("\n"):
        raise CheckpointError("malformed note: text must end with a newline")
    signer = parse_signer(signer_text)
    signature = signer.sign(text.encode("utf-8"))
    return f"{text}\n{_SIG_PREFIX}{signer.name} {_b64encode(signer.key_id + signature)}\n"


def open_note(note_text: str | bytes, verifier_text: str) -> str:
    """Verify a signed note against one verifier key and return its text (including the final newline).

    Signatures from other keys are ignored, as signed-note.md requires; a signature by the given key that fails to
    verify rejects the whole note.
    """
    verifier = parse_verifier(verifier_text)
    if isinstance(note_text, bytes):
        try:
            note_text = note_text.decode("utf-8")
        except UnicodeDecodeError:
            raise CheckpointError("malformed note: not valid UTF-8") from None
    _check_note_chars(note_text)
    # The text is separated from the signatures by the LAST blank line; signature lines are never empty.
    split = note_text.rfind("\n\n")
    if split < 0:
        raise CheckpointError("malformed note: no blank line before the signatures")
    text, block = note_text[: split + 1], note_text[split + 2 :]
    if not block or not block.endswith("\n"):
        raise CheckpointError("malformed note: signature block must be non-empty and end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise CheckpointError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    message = text.encode("utf-8")
    verified = False
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise CheckpointError("malformed note: signature line must start with an em dash and a space")
        fields = line[len(_SIG_PREFIX) :].split(" ")
        if len(fields) != 2 or not _is_valid_name(fields[0]):
            raise CheckpointError("malformed note: signature line must be '\u2014 <key name> <base64>'")
        name, encoded = fields
        raw = _b64decode(encoded, "signature")
        if len(raw) < 5:
            raise CheckpointError("malformed note: signature too short")
        if name != verifier.name or raw[:4] != verifier.key_id:
            continue  # unknown key: ignored per signed-note.md
        if not verifier.verify(message, raw[4:]):
            raise CheckpointError(f"invalid signature for key {verifier.name}+{verifier.key_id.hex()}")
        verified = True
    if not verified:
        raise CheckpointError(f"note has no signature by key {verifier.name}+{verifier.key_id.hex()} (unknown key)")
    return text


@dataclass(frozen=True)
class Checkpoint:
    """A transparency-log tree head: origin, tree size and RFC 6962 root hash."""

    origin: str
    tree_size: int
    root_hash: bytes
    #: Opaque extension lines, kept so that a parsed checkpoint's body() reproduces the signed text exactly.
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(ch.isspace() or ord(ch) < 0x20 or ch == "\x7f" for ch in self.origin):
            raise CheckpointError(f"invalid origin {self.origin!r}: must be non-empty without spaces or control chars")
        if isinstance(self.tree_size, bool) or not isinstance(self.tree_size, int):
            raise CheckpointError("tree size must be an int")
        if not 0 <= self.tree_size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.tree_size} out of range")
        if len(self.root_hash) != _ROOT_HASH_SIZE:
            raise CheckpointError(f"root hash must be {_ROOT_HASH_SIZE} bytes, got {len(self.root_hash)}")
        for line in self.extensions:
            if not line or "\n" in line:
                raise CheckpointError("extension lines must be non-empty single lines")
            _check_note_chars(line)

    def body(self) -> str:
        """Return the checkpoint note text: origin, size and base64 root hash lines, then any extension lines."""
        lines = [self.origin, str(self.tree_size), _b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse checkpoint note text (no signatures). Only call this on text whose signature was verified."""
    if not text.endswith("\n"):
        raise CheckpointError("malformed checkpoint: text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("malformed checkpoint: need origin, tree size and root hash lines")
    origin, size_text, root_text, *extensions = lines
    if not _DECIMAL.fullmatch(size_text):
        raise CheckpointError(f"malformed checkpoint: tree size {size_text!r} is not a decimal without leading zeros")
    root_hash = _b64decode(root_text, "checkpoint root hash")
    if len(root_hash) != _ROOT_HASH_SIZE:
        raise CheckpointError(f"malformed checkpoint: root hash is {len(root_hash)} bytes, expected {_ROOT_HASH_SIZE}")
    if any(not line for line in extensions):
        raise CheckpointError("malformed checkpoint: empty extension line")
    try:
        return Checkpoint(origin, int(size_text), root_hash, tuple(extensions))
    except CheckpointError as exc:
        raise CheckpointError(f"malformed checkpoint: {exc}") from None


def sign_checkpoint(cp: Checkpoint, signer_text: str) -> str:
    """Return the signed-note text of ``cp`` signed by ``signer_text``."""
    if cp.extensions:
        # Writing extension lines is deliberately unsupported: tlog-checkpoint marks them NOT RECOMMENDED.
        raise CheckpointError("signing checkpoints with extension lines is not supported")
    return sign_note(cp.body(), signer_text)


def open_checkpoint(note_text: str | bytes, verifier_text: str, *, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint and return it; raise :class:`CheckpointError` on any problem.

    If ``origin`` is given, the checkpoint's origin line must equal it.
    """
    checkpoint = parse_checkpoint_body(open_note(note_text, verifier_text))
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} does not match expected {origin!r}")
    return checkpoint
