// BoundaryMaps: the boundary and displacement maps of one image, as the reference's
// make_sem_seg_labels / make_ins_seg_labels steps compute them before the random walk
// (EdgeDisplacement on the scale-1 [image, mirror] pair; DESIGN §3, §5, §6 "IRNet").
// The result is the boundary stage file: edge [h, w] after the sigmoid and dp [2, h, w],
// both at stride 4 (h = (H−1)/4+1, w = (W−1)/4+1).
import Codecs
import Networks
import Tensors

/// The boundary file of `image`: ImageNet-normalised image and mirror (no rescale) through
/// the padded, flip-averaged IRNet inference.
public func boundaryMaps(of image: Image, network: EdgeDisplacement) -> BoundaryFile {
    let (boundary, displacement) = network(imageAndFlip(image))
    return BoundaryFile(edge: boundary.reshaped(Array(boundary.shape.dropFirst())), displacement: displacement)
}
