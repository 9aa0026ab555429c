"""RFC 6962 / RFC 9162 Merkle tree (SHA-256) over a store of complete-subtree hashes.

Node addressing: ``(level, index)`` names the COMPLETE subtree of ``2**level`` leaves that starts at leaf
``index * 2**level``. Level 0 nodes are leaf hashes. Only complete subtrees are ever stored: they never change once
written, so appending a leaf only adds rows and never rewrites any, and every root or proof can be assembled from
O(log n) of them.

This module is pure Python and must not import Django; the Django side persists the nodes returned by
:func:`append_leaf` / :func:`append_leaves` in the same transaction as the leaf itself.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeAlias

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "HashStore",
    "MemoryHashStore",
    "Node",
    "StreamingRoot",
    "append_leaf",
    "append_leaves",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_leaves",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()

#: ``(level, index, hash)`` of one complete subtree.
Node: TypeAlias = tuple[int, int, bytes]


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 leaf hash SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class HashStore(Protocol):
    """Read/write access to stored complete-subtree hashes."""

    def get(self, level: int, index: int) -> bytes:
        """Return the hash of complete subtree ``(level, index)``; raise ``KeyError`` if it is not stored."""
        ...

    def put_many(self, items: Iterable[Node]) -> None:
        """Store ``(level, index, hash)`` triples."""
        ...


class MemoryHashStore:
    """Dict-backed :class:`HashStore` for tests, tools and small trees."""

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        """Return the hash of complete subtree ``(level, index)``."""
        try:
            return self._nodes[(level, index)]
        except KeyError:
            raise KeyError(f"no stored subtree at level {level}, index {index}") from None

    def put_many(self, items: Iterable[Node]) -> None:
        """Store ``(level, index, hash)`` triples."""
        for level, index, value in items:
            self._nodes[(level, index)] = value

    def __len__(self) -> int:
        return len(self._nodes)


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def append_leaf(store: HashStore, size: int, leaf_hash: bytes) -> list[Node]:
    """Return the new complete-subtree nodes created by appending leaf number ``size`` (the caller persists them).

    Reads one stored left sibling per level that becomes complete, i.e. O(log n).
    """
    return append_leaves(store, size, (leaf_hash,))


def append_leaves(store: HashStore, size: int, hashes: Iterable[bytes]) -> list[Node]:
    """Return all new complete-subtree nodes created by appending ``hashes`` as leaves ``size, size+1, ...``.

    The store is only read, never written: nodes created earlier in the same batch are served from a local overlay,
    so the store need not contain anything this call returns.
    """
    if size < 0:
        raise ValueError(f"tree size must be >= 0, got {size}")
    overlay: dict[tuple[int, int], bytes] = {}
    out: list[Node] = []
    index = size
    for value in hashes:
        _check_hash(value, "leaf hash")
        level, position, current = 0, index, value
        out.append((0, position, current))
        overlay[(0, position)] = current
        # A right child (odd position) completes its parent; keep climbing while that holds.
        while position & 1:
            sibling = overlay.get((level, position - 1))
            if sibling is None:
                sibling = store.get(level, position - 1)
            current = node_hash(sibling, current)
            level += 1
            position >>= 1
            out.append((level, position, current))
            overlay[(level, position)] = current
        index += 1
    return out


def _largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two strictly less than ``n`` (``n >= 2``): RFC 6962's split point k."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(store: HashStore, start: int, end: int) -> bytes:
    """Return MTH(D[start:end]) from at most log2(end - start) + 1 stored complete subtrees.

    ``start`` must be a multiple of the smallest power of two >= ``end - start``. Every range that RFC 9162's PATH and
    SUBPROOF recursions touch has that shape, and for it MTH(D[start:end]) is exactly the right-to-left fold of the
    binary decomposition of ``end - start`` laid out from ``start``. An unaligned range would have a different tree
    shape than the stored one, so it is rejected rather than silently computed wrongly.
    """
    n = end - start
    if start < 0 or n < 0:
        raise ValueError(f"invalid range [{start}, {end})")
    if n == 0:
        return EMPTY_ROOT
    if start % (1 << (n - 1).bit_length()):
        raise ValueError(f"range [{start}, {end}) is not aligned to a complete subtree boundary")
    parts: list[bytes] = []
    position = start
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            parts.append(store.get(level, position >> level))
            position += 1 << level
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def root(store: HashStore, size: int) -> bytes:
    """Return the root hash of the first ``size`` leaves using popcount(size) stored subtrees."""
    if size < 0:
        raise ValueError(f"tree size must be >= 0, got {size}")
    return subtree_hash(store, 0, size)


def inclusion_proof(store: HashStore, index: int, size: int) -> list[bytes]:
    """Return PATH(index, D[0:size]) per RFC 9162 section 2.1.3.1, leaf-side sibling first."""
    if size < 1 or not 0 <= index < size:
        raise ValueError(f"leaf index {index} out of range for tree size {size}")
    siblings: list[bytes] = []
    start, end = 0, size
    # Walk the RFC recursion top-down; the RFC lists the siblings bottom-up, hence the final reversal.
    while end - start > 1:
        mid = start + _largest_power_of_two_below(end - start)
        if index < mid:
            siblings.append(subtree_hash(store, mid, end))
            end = mid
        else:
            siblings.append(subtree_hash(store, start, mid))
            start = mid
    siblings.reverse()
    return siblings


def consistency_proof(store: HashStore, first: int, second: int) -> list[bytes]:
    """Return PROOF(first, D[0:second]) = SUBPROOF(first, D[0:second], true) per RFC 9162 section 2.1.4.1.

    The RFC defines proofs for 0 < first < second; for first == 0 or first == second the proof is empty.
    """
    if first < 0 or first > second:
        raise ValueError(f"invalid consistency range: first={first}, second={second}")
    if first == 0 or first == second:
        return []
    siblings: list[bytes] = []
    # at_old_root is the RFC's flag b: still on the left edge, so a subtree equal to D[0:first] is the old root,
    # which the verifier already has and which is therefore left out of the proof.
    start, end, m, at_old_root = 0, second, first, True
    while m != end - start:
        k = _largest_power_of_two_below(end - start)
        if m <= k:
            siblings.append(subtree_hash(store, start + k, end))
            end = start + k
        else:
            siblings.append(subtree_hash(store, start, start + k))
            start += k
            m -= k
            at_old_root = False
    proof = [] if at_old_root else [subtree_hash(store, start, end)]
    proof.extend(reversed(siblings))
    return proof


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Verify an inclusion proof with the RFC 9162 section 2.1.3.2 algorithm."""
    if index < 0 or index >= size:
        return False
    if len(leaf_hash) != HASH_SIZE or len(root) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """Verify a consistency proof with the RFC 9162 section 2.1.4.2 algorithm.

    Outside the RFC's 0 < first < second: first == second needs an empty proof and equal roots; first == 0 needs an
    empty proof and ``first_root == EMPTY_ROOT`` (the only valid root of an empty tree).
    """
    if first < 0 or first > second:
        return False
    if len(first_root) != HASH_SIZE or len(second_root) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        return False
    if first == 0:
        # Consistency with the empty tree is trivial, but a size-0 tree head can only carry EMPTY_ROOT.
        return not proof and first_root == EMPTY_ROOT and (second != 0 or second_root == EMPTY_ROOT)
    if first == second:
        return not proof and hmac.compare_digest(first_root, second_root)
    if not proof:
        return False
    path = list(proof)
    # A power-of-two first tree is a single node of the second tree that the prover omitted (b was true there).
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, first_root) and hmac.compare_digest(sr, second_root)


def root_from_leaves(hashes: Sequence[bytes]) -> bytes:
    """Return MTH over the given leaf hashes by the RFC's recursive definition (reference implementation)."""
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    k = _largest_power_of_two_below(n)
    return node_hash(root_from_leaves(hashes[:k]), root_from_leaves(hashes[k:]))


class StreamingRoot:
    """Compact-range accumulator: consumes leaf hashes one at a time in O(log n) memory.

    Holds one hash per set bit of the current size (the "peaks", largest subtree first), which is all that is needed
    both to extend the tree and to compute its root at any moment.
    """

    __slots__ = ("_peaks", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._peaks: list[bytes] = []

    @classmethod
    def from_store(cls, store: HashStore, size: int) -> StreamingRoot:
        """Resume from the popcount(size) stored complete subtrees of a tree of ``size`` leaves."""
        if size < 0:
            raise ValueError(f"tree size must be >= 0, got {size}")
        acc = cls()
        position = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                acc._peaks.append(store.get(level, position >> level))
                position += 1 << level
        acc._size = size
        return acc

    @property
    def size(self) -> int:
        """Number of leaves consumed so far."""
        return self._size

    def copy(self) -> StreamingRoot:
        """An independent accumulator at the same position (O(log n))."""
        other = StreamingRoot()
        other._size, other._peaks = self._size, list(self._peaks)
        return other

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Consume one leaf hash; return the complete-subtree nodes it creates (as :func:`append_leaf` would)."""
        _check_hash(leaf_hash, "leaf hash")
        level, position, current = 0, self._size, leaf_hash
        created: list[Node] = [(0, position, current)]
        while position & 1:
            current = node_hash(self._peaks.pop(), current)
            level += 1
            position >>= 1
            created.append((level, position, current))
        self._peaks.append(current)
        self._size += 1
        return created

    def extend(self, hashes: Iterable[bytes]) -> None:
        """Consume many leaf hashes, discarding the created nodes."""
        # Same logic as append() without building node lists: this is the hot loop of a full-ledger re-verification.
        peaks, size, sha256 = self._peaks, self._size, hashlib.sha256
        try:
            for value in hashes:
                _check_hash(value, "leaf hash")
                current, position = value, size
                while position & 1:
                    current = sha256(b"\x01" + peaks.pop() + current).digest()
                    position >>= 1
                peaks.append(current)
                size += 1
        finally:
            # Keep size and peaks in step even if a bad hash aborts the batch midway.
            self._size = size

    def root(self) -> bytes:
        """Return the root hash of the leaves consumed so far."""
        if not self._peaks:
            return EMPTY_ROOT
        result = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            result = node_hash(peak, result)
        return result
