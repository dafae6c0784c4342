// RowPairTaps: the order in which the random walk's step kernel visits the stencil when it
// computes two consecutive rows A and B = A + 1 at once (RandomWalk+Stencil.swift, IRNet §5).
// A tap is an input position relative to row A's output pixel; most taps feed both rows (so one
// load serves two outputs), a few only one. Taps run far to near so that small weights are summed
// before large ones.

/// The stencil of two consecutive rows seen from the upper one: every (dy, dx) relative to row A
/// that row A or row B = A + 1 reads, split into taps both rows use and taps of one row only.
struct RowPairTaps: Sendable {
    struct Tap: Sendable {
        /// Position of the input pixel relative to the output pixel of row A.
        var dy: Int, dx: Int
        /// Index into `neighbours` of this tap for row A and for row B (−1 when unused).
        var a: Int, b: Int
    }

    let both: [Tap]
    let onlyA: [Tap]
    let onlyB: [Tap]

    /// Weight vectors per 8-column block: two per shared tap, one per single-row tap.
    var vectorsPerBlock: Int { 2 * both.count + onlyA.count + onlyB.count }

    init(neighbours: [PixelOffset]) {
        var index: [PixelOffset: Int] = [:]
        for (n, offset) in neighbours.enumerated() { index[offset] = n }
        let reach = neighbours.map { max(abs($0.dy), abs($0.dx)) }.max() ?? 0
        var both: [Tap] = [], onlyA: [Tap] = [], onlyB: [Tap] = []
        for dy in -reach...(reach + 1) {
            for dx in -reach...reach {
                let a = index[PixelOffset(dy: dy, dx: dx)] ?? -1
                let b = index[PixelOffset(dy: dy - 1, dx: dx)] ?? -1
                let tap = Tap(dy: dy, dx: dx, a: a, b: b)
                if a >= 0 && b >= 0 {
                    both.append(tap)
                } else if a >= 0 {
                    onlyA.append(tap)
                } else if b >= 0 {
                    onlyB.append(tap)
                }
            }
        }
        // Far taps first, the pixel itself last: far neighbours usually carry the smallest
        // weights, and adding them before the large ones keeps them from being rounded away
        // (over 256 steps that loss would add up to ~1e-4 of the values).
        func nearness(_ tap: Tap) -> Int {
            var best = Int.max
            if tap.a >= 0 { best = min(best, tap.dy * tap.dy + tap.dx * tap.dx) }
            if tap.b >= 0 { best = min(best, (tap.dy - 1) * (tap.dy - 1) + tap.dx * tap.dx) }
            return best
        }
        func farFirst(_ taps: [Tap]) -> [Tap] {
            taps.enumerated().sorted { (nearness($0.element), $1.offset) > (nearness($1.element), $0.offset) }
                .map(\.element)
        }
        both = farFirst(both)
        onlyA = farFirst(onlyA)
        onlyB = farFirst(onlyB)
        self.both = both
        self.onlyA = onlyA
        self.onlyB = onlyB
    }
}
