"""Tests for the RFC 6962 / RFC 9162 Merkle tree in gongzhi.ledger.merkle (pure Python, no Django)."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable, Sequence
from functools import cache

import pymerkle
import pytest

from gongzhi.ledger.merkle import (
    EMPTY_ROOT,
    MemoryHashStore,
    Node,
    StreamingRoot,
    append_leaf,
    append_leaves,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_leaves,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

# The standard RFC 6962 test leaves and their tree roots for sizes 0..8, as published in
# github.com/transparency-dev/merkle testonly/constants.go (LeafInputs, RootHashes), which carries them over from
# Certificate Transparency's merkle_tree_test / Trillian.
KAT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
KAT_ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]


def _hexes(*values: str) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


# Known-answer proofs over KAT_LEAVES from github.com/transparency-dev/merkle proof/verify_test.go (inclusionProofs,
# consistencyProofs). That file numbers leaves from 1; the indices below are 0-based.
KAT_INCLUSION = [
    (
        0,
        8,
        _hexes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        _hexes(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (2, 3, _hexes("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        _hexes(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]
KAT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        _hexes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _hexes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        _hexes(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        _hexes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


# --- helpers -------------------------------------------------------------------------------------------------------


class CountingStore:
    """HashStore wrapper that counts get() calls."""

    def __init__(self, inner: MemoryHashStore) -> None:
        self.inner = inner
        self.gets = 0

    def get(self, level: int, index: int) -> bytes:
        self.gets += 1
        return self.inner.get(level, index)

    def put_many(self, items: Iterable[Node]) -> None:
        self.inner.put_many(items)


def build_store(hashes: Sequence[bytes]) -> MemoryHashStore:
    store = MemoryHashStore()
    store.put_many(append_leaves(store, 0, hashes))
    return store


def random_hashes(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [leaf_hash(rng.randbytes(rng.randrange(0, 40))) for _ in range(count)]


class Reference:
    """Direct transcription of RFC 9162 MTH, PATH and SUBPROOF over an in-memory list of leaf hashes."""

    def __init__(self, hashes: Sequence[bytes]) -> None:
        self.hashes = list(hashes)
        self.mth: Callable[[int, int], bytes] = cache(self._mth)

    def _mth(self, start: int, end: int) -> bytes:
        return root_from_leaves(self.hashes[start:end])

    @staticmethod
    def _k(n: int) -> int:
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = self._k(n)
        if m < k:
            return [*self.path(m, start, start + k), self.mth(start + k, end)]
        return [*self.path(m - k, start + k, end), self.mth(start, start + k)]

    def subproof(self, m: int, start: int, end: int, b: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if b else [self.mth(start, end)]
        k = self._k(n)
        if m <= k:
            return [*self.subproof(m, start, start + k, b), self.mth(start + k, end)]
        return [*self.subproof(m - k, start + k, end, False), self.mth(start, start + k)]


def flip_bit(value: bytes, bit: int) -> bytes:
    buf = bytearray(value)
    buf[bit // 8] ^= 1 << (bit % 8)
    return bytes(buf)


# --- hashing primitives and known answers --------------------------------------------------------------------------


def test_hash_primitives() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == KAT_ROOTS[0]
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    # Domain separation: a leaf can never pass for an interior node with the same bytes.
    assert leaf_hash(b"L" * 32 + b"R" * 32) != node_hash(b"L" * 32, b"R" * 32)


def test_known_answer_roots() -> None:
    hashes = [leaf_hash(d) for d in KAT_LEAVES]
    store = MemoryHashStore()
    streaming = StreamingRoot()
    assert root(store, 0) == streaming.root() == KAT_ROOTS[0]
    for size, value in enumerate(hashes):
        store.put_many(append_leaf(store, size, value))
        streaming.append(value)
        assert root(store, size + 1) == KAT_ROOTS[size + 1]
        assert streaming.root() == KAT_ROOTS[size + 1]
    for size in range(9):
        assert root_from_leaves(hashes[:size]) == KAT_ROOTS[size]
        assert root(store, size) == KAT_ROOTS[size]


def test_known_answer_proofs() -> None:
    hashes = [leaf_hash(d) for d in KAT_LEAVES]
    store = build_store(hashes)
    for index, size, expected in KAT_INCLUSION:
        assert inclusion_proof(store, index, size) == expected
        assert verify_inclusion(hashes[index], index, size, expected, KAT_ROOTS[size])
    for first, second, expected in KAT_CONSISTENCY:
        assert consistency_proof(store, first, second) == expected
        assert verify_consistency(first, second, KAT_ROOTS[first], KAT_ROOTS[second], expected)


def test_roots_match_pymerkle_oracle() -> None:
    rng = random.Random(6962)
    entries = [rng.randbytes(rng.randrange(0, 64)) for _ in range(300)]
    oracle = pymerkle.InmemoryTree(algorithm="sha256")
    oracle.append_entries(entries)
    hashes = [leaf_hash(e) for e in entries]
    store = build_store(hashes)
    sizes = sorted({*rng.sample(range(1, 301), 60), 1, 2, 3, 255, 256, 257, 299, 300})
    for size in sizes:
        expected = oracle.get_root(size)
        assert root(store, size) == expected, size
        assert root_from_leaves(hashes[:size]) == expected, size


# --- proof generation and verification -----------------------------------------------------------------------------

N_EXHAUSTIVE = 64
HASHES_64 = random_hashes(N_EXHAUSTIVE, seed=9162)


@pytest.fixture(scope="module")
def store64() -> MemoryHashStore:
    return build_store(HASHES_64)


@pytest.fixture(scope="module")
def ref64() -> Reference:
    return Reference(HASHES_64)


def test_store_roots_and_subtrees_match_reference(store64: MemoryHashStore, ref64: Reference) -> None:
    for size in range(N_EXHAUSTIVE + 1):
        assert root(store64, size) == root_from_leaves(HASHES_64[:size])
    # Every range of the shape PATH/SUBPROOF use: start aligned to the power of two covering the length.
    for start in range(N_EXHAUSTIVE):
        for end in range(start + 1, N_EXHAUSTIVE + 1):
            if start % (1 << (end - start - 1).bit_length()) == 0:
                assert subtree_hash(store64, start, end) == ref64.mth(start, end)


def test_inclusion_every_index_every_size(store64: MemoryHashStore, ref64: Reference) -> None:
    for size in range(1, N_EXHAUSTIVE + 1):
        tree_root = root(store64, size)
        for index in range(size):
            proof = inclusion_proof(store64, index, size)
            assert proof == ref64.path(index, 0, size)
            assert verify_inclusion(HASHES_64[index], index, size, proof, tree_root)


def test_consistency_every_pair_of_sizes(store64: MemoryHashStore, ref64: Reference) -> None:
    roots = [root(store64, n) for n in range(N_EXHAUSTIVE + 1)]
    for second in range(1, N_EXHAUSTIVE + 1):
        for first in range(1, second + 1):
            proof = consistency_proof(store64, first, second)
            expected = [] if first == second else ref64.subproof(first, 0, second, True)
            assert proof == expected
            assert verify_consistency(first, second, roots[first], roots[second], proof)


def _inclusion_mutations(
    leaf: bytes, index: int, size: int, proof: list[bytes], tree_root: bytes
) -> Iterable[tuple[str, bytes, int, int, list[bytes], bytes]]:
    yield "index - 1", leaf, index - 1, size, proof, tree_root
    yield "index + 1", leaf, index + 1, size, proof, tree_root
    yield "index ^ 2", leaf, index ^ 2, size, proof, tree_root
    yield "index = size", leaf, size, size, proof, tree_root
    yield "size * 2", leaf, index, size * 2, proof, tree_root
    yield "size // 2", leaf, index, size // 2, proof, tree_root
    yield "wrong leaf", SOME_HASH, index, size, proof, tree_root
    yield "short leaf", leaf[:31], index, size, proof, tree_root
    yield "wrong root", leaf, index, size, proof, SOME_HASH
    yield "empty-tree root", leaf, index, size, proof, EMPTY_ROOT
    yield "extra element at end", leaf, index, size, [*proof, tree_root], tree_root
    yield "extra zero element at end", leaf, index, size, [*proof, bytes(32)], tree_root
    yield "extra empty element at end", leaf, index, size, [*proof, b""], tree_root
    yield "extra element at front", leaf, index, size, [tree_root, *proof], tree_root
    if proof:
        yield "truncated", leaf, index, size, proof[:-1], tree_root
        yield "inserted element", leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], tree_root
        yield "swapped root and leaf", tree_root, index, size, proof, leaf
    for i in range(len(proof)):
        yield f"missing element {i}", leaf, index, size, proof[:i] + proof[i + 1 :], tree_root
        yield f"element {i} truncated", leaf, index, size, [*proof[:i], proof[i][:31], *proof[i + 1 :]], tree_root
        # One bit per element here; test_every_bit_flip_rejected covers all 256 bits on selected proofs.
        bit = (index * 7 + i * 31) % 256
        yield (
            f"element {i} bit {bit}",
            leaf,
            index,
            size,
            [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]],
            tree_root,
        )


def test_mutated_inclusion_proofs_rejected(store64: MemoryHashStore) -> None:
    for size in range(1, N_EXHAUSTIVE + 1):
        tree_root = root(store64, size)
        for index in range(size):
            proof = inclusion_proof(store64, index, size)
            for desc, leaf, i, n, p, r in _inclusion_mutations(HASHES_64[index], index, size, proof, tree_root):
                if size == 1 and desc == "swapped root and leaf":
                    continue  # for one leaf, root == leaf hash, so swapping changes nothing
                assert not verify_inclusion(leaf, i, n, p, r), (desc, index, size)


def _consistency_mutations(
    first: int, second: int, r1: bytes, r2: bytes, proof: list[bytes]
) -> Iterable[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    yield "first - 1", first - 1, second, r1, r2, proof
    yield "first + 1", first + 1, second, r1, r2, proof
    yield "first ^ 2", first ^ 2, second, r1, r2, proof
    yield "second * 2", first, second * 2, r1, r2, proof
    yield "second // 2", first, second // 2, r1, r2, proof
    yield "first > second", second, first, r1, r2, proof
    yield "swapped roots", first, second, r2, r1, proof
    yield "wrong first root", first, second, SOME_HASH, r2, proof
    yield "wrong second root", first, second, r1, SOME_HASH, proof
    yield "short first root", first, second, r1[:31], r2, proof
    yield "empty proof", first, second, r1, r2, []
    yield "extra element at end", first, second, r1, r2, [*proof, r2]
    yield "extra zero element at end", first, second, r1, r2, [*proof, bytes(32)]
    yield "extra empty element at end", first, second, r1, r2, [*proof, b""]
    yield "extra first root at front", first, second, r1, r2, [r1, *proof]
    yield "extra second root at front", first, second, r1, r2, [r2, *proof]
    yield "duplicated first element", first, second, r1, r2, [proof[0], *proof]
    yield "truncated", first, second, r1, r2, proof[:-1]
    for i in range(len(proof)):
        yield f"missing element {i}", first, second, r1, r2, proof[:i] + proof[i + 1 :]
        bit = (first * 5 + second * 3 + i * 31) % 256
        yield f"element {i} bit {bit}", first, second, r1, r2, [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]]


def test_mutated_consistency_proofs_rejected(store64: MemoryHashStore) -> None:
    roots = [root(store64, n) for n in range(N_EXHAUSTIVE + 1)]
    for second in range(2, N_EXHAUSTIVE + 1):
        for first in range(1, second):
            proof = consistency_proof(store64, first, second)
            for desc, m, n, r1, r2, p in _consistency_mutations(first, second, roots[first], roots[second], proof):
                assert not verify_consistency(m, n, r1, r2, p), (desc, first, second)


def test_every_bit_flip_rejected(store64: MemoryHashStore) -> None:
    for index, size in [(0, 1 + 1), (5, 8), (13, 37), (63, 64), (40, 41)]:
        proof = inclusion_proof(store64, index, size)
        tree_root = root(store64, size)
        for i in range(len(proof)):
            for bit in range(256):
                mutated = [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]]
                assert not verify_inclusion(HASHES_64[index], index, size, mutated, tree_root)
        for bit in range(256):
            assert not verify_inclusion(flip_bit(HASHES_64[index], bit), index, size, proof, tree_root)
    for first, second in [(1, 2), (6, 8), (7, 50), (32, 64), (33, 63)]:
        proof = consistency_proof(store64, first, second)
        r1, r2 = root(store64, first), root(store64, second)
        for i in range(len(proof)):
            for bit in range(256):
                mutated = [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]]
                assert not verify_consistency(first, second, r1, r2, mutated)
        for bit in range(256):
            assert not verify_consistency(first, second, flip_bit(r1, bit), r2, proof)
            assert not verify_consistency(first, second, r1, flip_bit(r2, bit), proof)


def test_verify_inclusion_edge_cases() -> None:
    value = leaf_hash(b"data")
    assert verify_inclusion(value, 0, 1, [], value)  # one-leaf tree: root is the leaf hash, proof empty
    assert not verify_inclusion(value, 0, 1, [], SOME_HASH)
    assert not verify_inclusion(value, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], b"")
    for index, size in [(0, 0), (1, 0), (1, 1), (2, 1), (-1, 1), (5, 5)]:
        assert not verify_inclusion(value, index, size, [], value)
        assert not verify_inclusion(value, index, size, [SOME_HASH], EMPTY_ROOT)


def test_verify_consistency_edge_cases() -> None:
    r1, r2 = leaf_hash(b"r1"), leaf_hash(b"r2")
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 1, EMPTY_ROOT, r2, [])  # consistency from the empty tree is trivial
    assert verify_consistency(0, 10**6, EMPTY_ROOT, r2, [])
    assert verify_consistency(1, 1, r1, r1, [])
    assert verify_consistency(7, 7, r2, r2, [])
    rejected = [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),  # equal sizes need an empty proof
        (0, 0, r1, r1, []),  # a size-0 tree head can only carry EMPTY_ROOT
        (0, 0, EMPTY_ROOT, r2, []),
        (0, 1, EMPTY_ROOT, r2, [r2]),  # from empty: only the empty proof
        (0, 1, r1, r2, []),
        (1, 1, r1, r2, []),  # same size, different roots
        (1, 1, r1, r1, [r1]),
        (1, 0, r1, r2, []),  # time travel
        (2, 1, r1, r2, [r1]),
        (-1, 1, r1, r2, []),
        (1, 2, r1, r2, []),  # 0 < first < second needs a proof
        (1, 1, b"", b"", []),
    ]
    for first, second, a, b, proof in rejected:
        assert not verify_consistency(first, second, a, b, proof), (first, second)


def test_proof_generation_argument_errors(store64: MemoryHashStore) -> None:
    for index, size in [(0, 0), (5, 5), (6, 5), (-1, 5)]:
        with pytest.raises(ValueError, match="out of range"):
            inclusion_proof(store64, index, size)
    for first, second in [(2, 1), (-1, 3), (64, 63)]:
        with pytest.raises(ValueError, match="invalid consistency range"):
            consistency_proof(store64, first, second)
    assert consistency_proof(store64, 0, 10) == []
    assert consistency_proof(store64, 10, 10) == []
    with pytest.raises(ValueError, match="not aligned"):
        subtree_hash(store64, 1, 3)
    with pytest.raises(ValueError):
        root(store64, -1)
    # Asking for more leaves than are stored is the caller's business; the store says what is missing.
    with pytest.raises(KeyError):
        root(store64, N_EXHAUSTIVE + 1)


# --- appending -----------------------------------------------------------------------------------------------------


def test_append_leaf_returns_new_complete_subtrees() -> None:
    hashes = random_hashes(8, seed=1)
    store = MemoryHashStore()
    created = []
    for size, value in enumerate(hashes):
        nodes = append_leaf(store, size, value)
        store.put_many(nodes)
        created.append([(level, index) for level, index, _ in nodes])
    assert created == [
        [(0, 0)],
        [(0, 1), (1, 0)],
        [(0, 2)],
        [(0, 3), (1, 1), (2, 0)],
        [(0, 4)],
        [(0, 5), (1, 2)],
        [(0, 6)],
        [(0, 7), (1, 3), (2, 1), (3, 0)],
    ]
    assert store.get(3, 0) == root_from_leaves(hashes)
    assert store.get(1, 2) == node_hash(hashes[4], hashes[5])


def test_append_leaves_batch_equals_one_by_one() -> None:
    hashes = random_hashes(500, seed=2)
    one_by_one = MemoryHashStore()
    expected: list[Node] = []
    for size, value in enumerate(hashes):
        nodes = append_leaf(one_by_one, size, value)
        one_by_one.put_many(nodes)
        expected.extend(nodes)

    # A single batch into an empty store: every sibling comes from the overlay.
    assert append_leaves(MemoryHashStore(), 0, hashes) == expected

    # Random batch boundaries on top of earlier, already-stored batches.
    rng = random.Random(3)
    batched = MemoryHashStore()
    got: list[Node] = []
    size = 0
    while size < len(hashes):
        step = rng.randrange(1, 40)
        nodes = append_leaves(batched, size, hashes[size : size + step])
        batched.put_many(nodes)
        got.extend(nodes)
        size = min(size + step, len(hashes))
    assert got == expected
    assert append_leaves(batched, size, []) == []


def test_append_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        append_leaf(MemoryHashStore(), 0, b"short")
    with pytest.raises(ValueError):
        append_leaves(MemoryHashStore(), -1, [])
    with pytest.raises(KeyError):
        # Appending leaf 1 needs leaf 0, which this store does not have.
        append_leaf(MemoryHashStore(), 1, leaf_hash(b"x"))


def test_store_reads_are_logarithmic() -> None:
    n = 2**16
    hashes = random_hashes(n, seed=4)
    memory = build_store(hashes)
    streaming = StreamingRoot()
    streaming.extend(hashes)
    store = CountingStore(memory)
    assert root(store, n) == streaming.root()
    rng = random.Random(5)
    sizes = [n, n - 1, n // 2 + 1, 43690, 21845, 3, *rng.sample(range(1, n + 1), 20)]
    for size in sizes:
        bound = 2 * math.ceil(math.log2(max(size, 2))) + 2
        store.gets = 0
        root(store, size)
        assert store.gets <= size.bit_count()
        for index in [0, size - 1, size // 2, rng.randrange(size)]:
            store.gets = 0
            proof = inclusion_proof(store, index, size)
            assert store.gets <= bound, (index, size, store.gets)
            assert verify_inclusion(hashes[index], index, size, proof, root(memory, size))
        for first in [1, size - 1, size // 2, rng.randrange(1, size + 1)]:
            if not 0 < first <= size:
                continue
            store.gets = 0
            proof = consistency_proof(store, first, size)
            assert store.gets <= bound, (first, size, store.gets)
            assert verify_consistency(first, size, root(memory, first), root(memory, size), proof)
    # Appending reads at most one stored sibling per level.
    store.gets = 0
    append_leaf(store, n - 1, hashes[-1])
    assert store.gets <= 16


# --- streaming accumulator -----------------------------------------------------------------------------------------


def test_streaming_root_matches_reference_at_every_size() -> None:
    hashes = random_hashes(300, seed=6)
    acc = StreamingRoot()
    store = MemoryHashStore()
    assert acc.size == 0 and acc.root() == EMPTY_ROOT
    for size, value in enumerate(hashes):
        nodes = acc.append(value)
        assert nodes == append_leaf(store, size, value)
        store.put_many(nodes)
        assert acc.size == size + 1
        assert acc.root() == root_from_leaves(hashes[: size + 1])


def test_streaming_root_extend_and_resume() -> None:
    hashes = random_hashes(1000, seed=7)
    store = build_store(hashes)
    whole = StreamingRoot()
    whole.extend(hashes)
    assert whole.size == 1000
    assert whole.root() == root(store, 1000)
    for cut in [0, 1, 511, 512, 513, 999]:
        resumed = StreamingRoot.from_store(store, cut)
        assert resumed.root() == root(store, cut)
        resumed.extend(hashes[cut:])
        assert resumed.size == 1000
        assert resumed.root() == whole.root()


def test_streaming_root_rejects_bad_hash_without_corrupting_state() -> None:
    hashes = random_hashes(5, seed=8)
    acc = StreamingRoot()
    with pytest.raises(ValueError):
        acc.extend([*hashes[:3], b"bad"])
    assert acc.size == 3
    assert acc.root() == root_from_leaves(hashes[:3])
    acc.extend(hashes[3:])
    assert acc.root() == root_from_leaves(hashes)
