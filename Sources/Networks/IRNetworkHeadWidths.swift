// IRNetworkHeadWidths: the output channels of IRNet's head levels (reference
// net/resnet50_irn.py: 32 per boundary level; 64, 128, 256, 256, 256, 256 per displacement
// level; 256 in fc_dp7), or narrower ones for small models that `irn train-irn` trains from
// a narrowed checkpoint (DESIGN §6). The group counts of the GroupNorms stay the reference's.
// Widths are read off a state dict's first convs, under canonical names or the reference's
// container aliases, so checkpoints of any head width load as they are.

import Tensors

extension IRNetwork {
    public struct HeadWidths: Equatable, Sendable {
        /// fc_edge1…5.
        public var edge: Int
        /// fc_dp1…6.
        public var displacement: [Int]
        /// fc_dp7's first conv.
        public var merge: Int

        public init(edge: Int, displacement: [Int], merge: Int) {
            precondition(displacement.count == 6, "IRNetwork.HeadWidths: six displacement levels, got \(displacement)")
            self.edge = edge
            self.displacement = displacement
            self.merge = merge
        }

        /// 32 boundary channels per level; 64, 128, 256, 256, 256, 256 displacement channels; 256.
        public static let reference = HeadWidths(edge: 32, displacement: [64, 128, 256, 256, 256, 256], merge: 256)

        /// The widths of the heads stored in `parameters` (output channels of each level's
        /// first conv, "fc_edge1.0.weight" or its alias "edge_layers.0.0.weight" …), or nil when
        /// one is missing or not a conv weight.
        public init?(parameters: [String: Tensor]) {
            func out(_ names: String...) -> Int? {
                guard let t = names.lazy.compactMap({ parameters[$0] }).first, t.rank == 4, t.shape[0] > 0 else {
                    return nil
                }
                return t.shape[0]
            }
            guard let edge = out("fc_edge1.0.weight", "edge_layers.0.0.weight"),
                  let merge = out("fc_dp7.0.weight", "dp_layers.6.0.weight") else { return nil }
            let displacement = (1 ... 6).compactMap { out("fc_dp\($0).0.weight", "dp_layers.\($0 - 1).0.weight") }
            guard displacement.count == 6 else { return nil }
            self.init(edge: edge, displacement: displacement, merge: merge)
        }
    }
}
