// LZ77 parsing for the Deflate encoder (RFC 1951 section 4 describes the scheme): every
// position's first three bytes are hashed into chains of earlier positions within the 32 KiB
// window; the longest match along a bounded chain wins. `.fast` takes matches greedily;
// `.default` defers each match by one byte and keeps the later one when it is longer (lazy
// matching). Symbols are collected and handed to DeflateBlock every `Deflate.blockSymbols`.

struct LZ77Matcher {
    struct Settings {
        /// Chain links followed per search.
        var maxChain: Int
        /// A match this long ends the search.
        var niceLength: Int
        /// Lazy matching: no second search after a match this long (0 = greedy parsing).
        var maxLazy: Int
        /// Lazy matching: a quarter of the chain is searched after a match this long.
        var goodLength: Int

        static let fast = Settings(maxChain: 8, niceLength: 32, maxLazy: 0, goodLength: 4)
        static let `default` = Settings(maxChain: 128, niceLength: 128, maxLazy: 16, goodLength: 8)
    }

    static let windowSize = 32768
    static let hashBits = 15
    static let minMatch = 3
    static let maxMatch = 258
    /// Length-3 matches farther than this cost more than three literals.
    static let tooFar = 4096

    let input: UnsafePointer<UInt8>
    let count: Int
    let settings: Settings
    var head: [Int32]
    var previous: [Int32]
    var symbols: [LZSymbol] = []
    var blockStart = 0
    var covered = 0

    /// Parses all of `input` and writes it as blocks, the last marked final.
    static func parse(_ input: UnsafeBufferPointer<UInt8>, settings: Settings, writer: inout BitWriter) {
        guard let base = input.baseAddress, input.count > 0 else {
            DeflateBlock.write([], input: input, range: 0..<0, final: true, to: &writer)
            return
        }
        var matcher = LZ77Matcher(input: base, count: input.count, settings: settings,
                                  head: [Int32](repeating: -1, count: 1 << hashBits),
                                  previous: [Int32](repeating: -1, count: windowSize))
        matcher.symbols.reserveCapacity(Deflate.blockSymbols + 1)
        if settings.maxLazy == 0 {
            matcher.parseGreedy(input, writer: &writer)
        } else {
            matcher.parseLazy(input, writer: &writer)
        }
        DeflateBlock.write(matcher.symbols[...], input: input, range: matcher.blockStart..<matcher.covered,
                           final: true, to: &writer)
    }

    @inline(__always) func hash(_ p: Int) -> Int {
        let v = UInt32(input[p]) << 16 | UInt32(input[p &+ 1]) << 8 | UInt32(input[p &+ 2])
        return Int((v &* 2_654_435_761) >> UInt32(32 - LZ77Matcher.hashBits))
    }

    /// Links position `p` (with p + 3 <= count) into its chain; returns the previous chain head.
    @inline(__always) mutating func insert(_ p: Int) -> Int {
        let h = hash(p)
        let older = head[h]
        previous[p & (LZ77Matcher.windowSize - 1)] = older
        head[h] = Int32(truncatingIfNeeded: p)
        return Int(older)
    }

    /// Number of equal bytes at `a` and `b`, at most `limit`.
    @inline(__always) func matchLength(_ a: Int, _ b: Int, limit: Int) -> Int {
        var n = 0
        let raw = UnsafeRawPointer(input)
        while n &+ 8 <= limit {
            let x = raw.loadUnaligned(fromByteOffset: a &+ n, as: UInt64.self)
                ^ raw.loadUnaligned(fromByteOffset: b &+ n, as: UInt64.self)
            if x != 0 { return n &+ (UInt64(littleEndian: x).trailingZeroBitCount >> 3) }
            n &+= 8
        }
        while n < limit && input[a &+ n] == input[b &+ n] { n &+= 1 }
        return n
    }

    /// The longest match for `p` longer than `atLeast`, following the chain from `candidate`;
    /// (0, 0) when there is none.
    func longestMatch(at p: Int, candidate: Int, atLeast: Int, chain: Int) -> (length: Int, distance: Int) {
        let limit = min(LZ77Matcher.maxMatch, count &- p)
        if limit <= atLeast { return (0, 0) }
        var best = atLeast
        var bestDistance = 0
        var c = candidate
        var remaining = chain
        let lowest = p &- LZ77Matcher.windowSize
        while c > lowest && c >= 0 && remaining > 0 {
            if input[c &+ best] == input[p &+ best] && input[c] == input[p] {
                let length = matchLength(c, p, limit: limit)
                if length > best {
                    best = length
                    bestDistance = p &- c
                    if length >= settings.niceLength || length == limit { break }
                }
            }
            let next = Int(previous[c & (LZ77Matcher.windowSize - 1)])
            if next >= c { break }
            c = next
            remaining &-= 1
        }
        return bestDistance == 0 ? (0, 0) : (best, bestDistance)
    }

    @inline(__always) mutating func emitLiteral(_ byte: UInt8, writer: inout BitWriter,
                                                input buffer: UnsafeBufferPointer<UInt8>) {
        symbols.append(LZSymbol(byte))
        covered &+= 1
        if symbols.count >= Deflate.blockSymbols { flush(buffer, writer: &writer) }
    }

    @inline(__always) mutating func emitMatch(length: Int, distance: Int, writer: inout BitWriter,
                                              input buffer: UnsafeBufferPointer<UInt8>) {
        symbols.append(0x8000_0000 | LZSymbol(length) << 16 | LZSymbol(distance &- 1))
        covered &+= length
        if symbols.count >= Deflate.blockSymbols { flush(buffer, writer: &writer) }
    }

    mutating func flush(_ buffer: UnsafeBufferPointer<UInt8>, writer: inout BitWriter) {
        DeflateBlock.write(symbols[...], input: buffer, range: blockStart..<covered, final: false, to: &writer)
        symbols.removeAll(keepingCapacity: true)
        blockStart = covered
    }

    mutating func parseGreedy(_ buffer: UnsafeBufferPointer<UInt8>, writer: inout BitWriter) {
        var p = 0
        while p < count {
            var length = 0, distance = 0
            if count &- p >= LZ77Matcher.minMatch {
                let candidate = insert(p)
                if candidate >= 0 {
                    (length, distance) = longestMatch(at: p, candidate: candidate, atLeast: LZ77Matcher.minMatch - 1,
                                                      chain: settings.maxChain)
                    if length == LZ77Matcher.minMatch && distance > LZ77Matcher.tooFar { length = 0 }
                }
            }
            if length >= LZ77Matcher.minMatch {
                emitMatch(length: length, distance: distance, writer: &writer, input: buffer)
                let end = p &+ length
                var q = p &+ 1
                while q < end && q &+ LZ77Matcher.minMatch <= count { _ = insert(q); q &+= 1 }
                p = end
            } else {
                emitLiteral(input[p], writer: &writer, input: buffer)
                p &+= 1
            }
        }
    }

    mutating func parseLazy(_ buffer: UnsafeBufferPointer<UInt8>, writer: inout BitWriter) {
        var p = 0
        // A literal at p - 1 not yet emitted, with the match found there.
        var pending = false
        var pendingLength = 0, pendingDistance = 0
        while p < count {
            var length = 0, distance = 0
            if count &- p >= LZ77Matcher.minMatch {
                let candidate = insert(p)
                if candidate >= 0 && pendingLength < settings.maxLazy {
                    let chain = pendingLength >= settings.goodLength ? settings.maxChain >> 2 : settings.maxChain
                    (length, distance) = longestMatch(at: p, candidate: candidate,
                                                      atLeast: max(pendingLength, LZ77Matcher.minMatch - 1), chain: chain)
                    if length == LZ77Matcher.minMatch && distance > LZ77Matcher.tooFar { length = 0 }
                }
            }
            if pending && pendingLength >= LZ77Matcher.minMatch && length <= pendingLength {
                emitMatch(length: pendingLength, distance: pendingDistance, writer: &writer, input: buffer)
                let end = p &- 1 &+ pendingLength
                var q = p &+ 1
                while q < end && q &+ LZ77Matcher.minMatch <= count { _ = insert(q); q &+= 1 }
                p = end
                pending = false
                pendingLength = 0
                continue
            }
            if pending { emitLiteral(input[p &- 1], writer: &writer, input: buffer) }
            pending = true
            pendingLength = length
            pendingDistance = distance
            p &+= 1
        }
        if pending { emitLiteral(input[p &- 1], writer: &writer, input: buffer) }
    }
}
