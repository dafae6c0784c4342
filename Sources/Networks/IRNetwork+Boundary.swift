// IRNetwork+Boundary: the class-boundary branch of IRNet (paper §3.2; reference
// net/resnet50_irn.py, fc_edge1…6). Each level x1…x5 is reduced to 32 channels (1×1 conv,
// GroupNorm(4)); levels 3, 4, 5 are upsampled ×2, ×4, ×4 before their ReLU and cropped to
// level 2's size (stride 4); the five levels are concatenated (160 channels) and a 1×1 conv
// with bias gives one boundary logit per pixel (DESIGN §6). The sigmoid comes later
// (EdgeDisplacement, and the affinity loss in training).

import Tensors

extension IRNetwork {
    /// Boundary logits [N, 1, h, w] from the backbone features, h × w = x2's size.
    public func boundaryLogits(_ features: ResNet50.Features) -> Tensor {
        boundaryLogits(features, workspace: GEMMWorkspace())
    }

    func boundaryLogits(_ features: ResNet50.Features, workspace: GEMMWorkspace) -> Tensor {
        let size = (features.x2.shape[2], features.x2.shape[3])
        let levels = [features.x1, features.x2, features.x3, features.x4, features.x5]
        let edges = zip(edgeHeads, levels).map { head, level in
            head(level, croppedTo: size, workspace: workspace)
        }
        return conv2d(concatChannels(edges), weight: edgeWeight, bias: edgeBias, workspace: workspace)
    }
}
