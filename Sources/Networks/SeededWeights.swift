// SeededWeights: deterministic random parameters for any ParameterLayout, so a full-width
// network can be rebuilt bit for bit from a seed (golden tests, demos, random-weight
// checkpoints). Fixtures/Generators/seeded_weights.py implements the same rule. Each tensor has
// its own SeededRandom, seeded by 64-bit FNV-1a of its UTF-8 name starting from the offset
// basis XOR the base seed, so a tensor's values depend only on (seed, name, shape). Values are
// chosen so activations stay O(1) through 50 layers: conv weights are uniform with variance
// 1/fan_in, normalisation parameters lie near the identity.

import Tensors

public enum SeededWeights {
    /// Every entry of `layout`, filled by `tensor(named:shape:seed:)`.
    public static func parameters(for layout: ParameterLayout, seed: UInt64) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in layout.entries {
            result[entry.name] = tensor(named: entry.name, shape: entry.shape, seed: seed)
        }
        return result
    }

    /// The seed of the generator for the tensor called `name`: 64-bit FNV-1a over the UTF-8
    /// bytes of `name`, starting from 0xcbf29ce484222325 XOR `seed`.
    public static func generatorSeed(name: String, seed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The tensor called `name` of the given shape. Rules, by name and rank (u = a uniform
    /// draw in [−1, 1) scaled as given, in row-major order, Float32 arithmetic):
    /// - `…running_var`: 1 + u·0.2
    /// - `mean_shift.running_mean`: u·0.5; any other `…running_mean`: u·0.1
    /// - `…weight` of rank ≥ 2 (conv, linear): u·√(3 / fan_in), fan_in = product of dims 1…
    /// - `…weight` of rank 1 (batch / group norm γ): 1 + u·0.1
    /// - anything else (biases, β): u·0.1
    public static func tensor(named name: String, shape: [Int], seed: UInt64) -> Tensor {
        var random = SeededRandom(seed: generatorSeed(name: name, seed: seed))
        let (scale, offset) = distribution(name: name, shape: shape)
        var tensor = random.tensor(shape: shape, scale: scale)
        if offset != 0 { tensor += offset }
        return tensor
    }

    /// The (scale, offset) of the rule above for one tensor.
    public static func distribution(name: String, shape: [Int]) -> (scale: Float, offset: Float) {
        if name.hasSuffix("running_var") { return (0.2, 1) }
        if name == "mean_shift.running_mean" { return (0.5, 0) }
        if name.hasSuffix("running_mean") { return (0.1, 0) }
        if name.hasSuffix("weight") {
            if shape.count >= 2 {
                let fanIn = max(1, shape.dropFirst().reduce(1, *))
                return (Float((3.0 / Double(fanIn)).squareRoot()), 0)
            }
            return (0.1, 1)
        }
        return (0.1, 0)
    }
}
