// IRNetwork+Displacement: the displacement-field branch of IRNet (paper §3.2; reference
// net/resnet50_irn.py, fc_dp1…7 and MeanShift). Levels 4 and 5 (GroupNorm(16), ×2 up) join
// level 3 at stride 8 (768 channels → 256, ×2 up to stride 4), which joins levels 1 (64,
// GroupNorm(8)) and 2 (128, GroupNorm(16)); 448 channels → 256 → 2 (y, x displacement), minus
// the mean shift in inference mode (DESIGN §6). The subtraction is the bias of the last conv,
// acc + (−m), which is exactly the reference's acc − m.

import Tensors

extension IRNetwork {
    /// Displacement field [N, 2, h, w] from the backbone features, h × w = x2's size.
    public func displacement(_ features: ResNet50.Features, subtractingMeanShift: Bool = true) -> Tensor {
        displacement(features, subtractingMeanShift: subtractingMeanShift, workspace: GEMMWorkspace())
    }

    func displacement(_ features: ResNet50.Features, subtractingMeanShift: Bool,
                      workspace: GEMMWorkspace) -> Tensor {
        let heads = displacementHeads
        let dp1 = heads[0](features.x1, workspace: workspace)
        let dp2 = heads[1](features.x2, workspace: workspace)
        let dp3 = heads[2](features.x3, workspace: workspace)
        let stride8 = (dp3.shape[2], dp3.shape[3])
        let dp4 = heads[3](features.x4, croppedTo: stride8, workspace: workspace)
        let dp5 = heads[4](features.x5, croppedTo: stride8, workspace: workspace)
        let up3 = heads[5](concatChannels([dp3, dp4, dp5]), croppedTo: (dp2.shape[2], dp2.shape[3]),
                           workspace: workspace)
        let merged = displacementMerge(concatChannels([dp1, dp2, up3]), workspace: workspace)
        let shift = subtractingMeanShift ? -meanShift : nil
        return conv2d(merged, weight: displacementWeight, bias: shift, workspace: workspace)
    }
}
