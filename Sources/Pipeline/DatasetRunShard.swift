// DatasetRunShard: one of N deterministic parts of an image list, so that a dataset can be
// labelled by N processes or machines at once (`irn run --shard K/N`, Docs/Scaling.md).
// The split is by position, interleaved: the image at 0-based position i of the list belongs
// to shard (i mod N) + 1. Every image falls in exactly one shard, the shards differ in size by
// at most one image, and neighbouring list entries (often of similar size) are spread evenly.

public enum DatasetRunShardError: Error, Equatable, Sendable {
    /// The text is not "K/N" with 1 ≤ K ≤ N.
    case malformed(String)
}

public struct DatasetRunShard: Equatable, Sendable, CustomStringConvertible {
    /// 1-based index of this shard.
    public let index: Int
    /// Number of shards.
    public let count: Int

    /// The whole list.
    public static let all = DatasetRunShard(index: 1, count: 1)

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (1...count).contains(index), "shard \(index)/\(count) is not K/N with 1 ≤ K ≤ N")
        self.index = index
        self.count = count
    }

    /// Parses "K/N" (1 ≤ K ≤ N ≤ 1,000,000).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]),
              (1...1_000_000).contains(n), (1...n).contains(k) else {
            throw DatasetRunShardError.malformed(text)
        }
        self.init(index: k, count: n)
    }

    /// Whether the entry at 0-based `position` of a list belongs to this shard.
    public func contains(position: Int) -> Bool {
        position % count == index - 1
    }

    /// The entries of `list` that belong to this shard, in list order.
    public func select<Element>(_ list: [Element]) -> [Element] {
        list.enumerated().filter { contains(position: $0.offset) }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}
