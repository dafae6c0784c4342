// LatticeHashTable: the sparse store of permutohedral lattice vertices, keyed by their first d
// integer coordinates (the last one follows because a vertex's coordinates sum to zero).
// Open addressing with linear probing over a power-of-two table of vertex ids, keys in one flat
// array, load factor at most one half (the table doubles before it would pass it).
// Part of the lattice construction of Adams, Baek & Davis (Eurographics 2010), §4; the vertex
// ids it hands out index the flat value buffers of `PermutohedralLattice`.

struct LatticeHashTable {
    /// Coordinates per key (the lattice dimension d).
    let keySize: Int
    /// Keys of the vertices in insertion order: vertex `v` owns `keys[v*keySize ..< (v+1)*keySize]`.
    private(set) var keys: [Int32] = []
    /// Vertex id per slot, -1 for an empty slot; the count is a power of two.
    private var slots: [Int32]
    /// Number of vertices inserted so far.
    private(set) var count = 0

    /// An empty table sized for about `expectedCount` vertices.
    init(keySize: Int, expectedCount: Int) {
        precondition(keySize > 0, "lattice keys need at least one coordinate")
        self.keySize = keySize
        var capacity = 64
        while capacity < 2 * expectedCount { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        keys.reserveCapacity(expectedCount * keySize)
    }

    /// Slot where hashing starts for `key` (a multiplicative hash with a final bit mix).
    @inline(__always)
    private static func hash(_ key: UnsafePointer<Int32>, _ keySize: Int) -> UInt64 {
        var h: UInt64 = 0
        for i in 0 ..< keySize {
            h = (h &+ UInt64(bitPattern: Int64(key[i]))) &* 0x9E37_79B9_7F4A_7C15
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// Id of the vertex with this key, or -1 when it is absent.
    func find(_ key: UnsafePointer<Int32>) -> Int32 {
        let mask = slots.count - 1
        let keySize = self.keySize
        return slots.withUnsafeBufferPointer { slots in
            keys.withUnsafeBufferPointer { keys in
                var slot = Int(truncatingIfNeeded: Self.hash(key, keySize)) & mask
                while true {
                    let id = slots[slot]
                    if id < 0 { return -1 }
                    let base = Int(id) &* keySize
                    var equal = true
                    for i in 0 ..< keySize where keys[base &+ i] != key[i] { equal = false; break }
                    if equal { return id }
                    slot = (slot &+ 1) & mask
                }
            }
        }
    }

    /// Id of the vertex with this key, inserting it (with the next free id) when it is absent.
    mutating func findOrInsert(_ key: UnsafePointer<Int32>) -> Int32 {
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        let keySize = self.keySize
        var slot = Int(truncatingIfNeeded: Self.hash(key, keySize)) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            let base = Int(id) &* keySize
            var equal = true
            for i in 0 ..< keySize where keys[base &+ i] != key[i] { equal = false; break }
            if equal { return id }
            slot = (slot &+ 1) & mask
        }
        precondition(count < Int(Int32.max), "permutohedral lattice has too many vertices")
        let id = Int32(count)
        slots[slot] = id
        for i in 0 ..< keySize { keys.append(key[i]) }
        count += 1
        return id
    }

    /// Doubles the table and re-inserts every vertex id.
    private mutating func grow() {
        let capacity = slots.count * 2
        let mask = capacity - 1
        var fresh = [Int32](repeating: -1, count: capacity)
        let keySize = self.keySize
        keys.withUnsafeBufferPointer { keys in
            fresh.withUnsafeMutableBufferPointer { fresh in
                for id in 0 ..< count {
                    var slot = Int(truncatingIfNeeded: Self.hash(keys.baseAddress! + id * keySize, keySize)) & mask
                    while fresh[slot] >= 0 { slot = (slot &+ 1) & mask }
                    fresh[slot] = Int32(id)
                }
            }
        }
        slots = fresh
    }
}
