// The convolution shapes `irn bench conv` measures: ResNet50 (torchvision layout, stride on the
// 3×3 conv, strides (2,2,2,1) as in DESIGN §6) on a 512×512 input — the 7×7/2 stem and every
// distinct 1×1 and 3×3 shape of the bottlenecks of layers 1-4 — plus a 3×3 256→256 conv on
// 128×128; then the 3×3 stride-1 convs of a 375×500 photo at scale 2 (batch 2: image and flip),
// each by im2col + GEMM and by Winograd F(4×4, 3×3) (rated by the direct conv's FLOPs). Weights
// and inputs are seeded random; bias and ReLU are fused as in the network.
import Tensors

struct ConvShape {
    let name: String
    let inChannels: Int, outChannels: Int
    let kernel: Int, stride: Int, padding: Int
    let height: Int, width: Int
    /// Run by conv2dWinograd instead of conv2d (3×3 stride 1 only).
    var winograd = false

    init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, size: Int) {
        self.init(name: name, inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
                  padding: padding, height: size, width: size)
    }

    init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int,
         height: Int, width: Int, winograd: Bool = false) {
        self.name = name
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.height = height; self.width = width
        self.winograd = winograd
    }

    var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }

    var shape: String {
        "\(kernel)x\(kernel)/\(stride) \(inChannels)->\(outChannels) @" + (height == width ? "\(height)" : "\(height)x\(width)")
    }

    /// Multiply-adds × 2 of the direct convolution for one image.
    var flops: Double {
        2 * Double(outChannels) * Double(outputHeight * outputWidth) * Double(inChannels * kernel * kernel)
    }
}

enum ConvBench {
    static let resnet50Shapes: [ConvShape] = {
        var shapes = [ConvShape(name: "stem 7x7/2", inChannels: 3, outChannels: 64, kernel: 7, stride: 2, padding: 3, size: 512)]
        // (layer, input size, input channels of block 1, planes, stride) for strides (2,2,2,1).
        let layers = [(1, 128, 64, 64, 1), (2, 128, 256, 128, 2), (3, 64, 512, 256, 2), (4, 32, 1024, 512, 1)]
        for (layer, size, inChannels, planes, stride) in layers {
            let outSize = size / stride
            let out = planes * 4
            let prefix = "layer\(layer)"
            shapes.append(ConvShape(name: "\(prefix) reduce", inChannels: inChannels, outChannels: planes,
                                    kernel: 1, stride: 1, padding: 0, size: size))
            shapes.append(ConvShape(name: "\(prefix).0 3x3" + (stride > 1 ? "/\(stride)" : ""), inChannels: planes,
                                    outChannels: planes, kernel: 3, stride: stride, padding: 1, size: size))
            shapes.append(ConvShape(name: "\(prefix) expand", inChannels: planes, outChannels: out,
                                    kernel: 1, stride: 1, padding: 0, size: outSize))
            shapes.append(ConvShape(name: "\(prefix) downsample", inChannels: inChannels, outChannels: out,
                                    kernel: 1, stride: stride, padding: 0, size: size))
            shapes.append(ConvShape(name: "\(prefix).1 reduce", inChannels: out, outChannels: planes,
                                    kernel: 1, stride: 1, padding: 0, size: outSize))
            if stride > 1 {
                shapes.append(ConvShape(name: "\(prefix).1 3x3", inChannels: planes, outChannels: planes,
                                        kernel: 3, stride: 1, padding: 1, size: outSize))
            }
        }
        shapes.append(ConvShape(name: "3x3 256->256 @128", inChannels: 256, outChannels: 256,
                                kernel: 3, stride: 1, padding: 1, size: 128))
        // The same shape can occur twice (layer1's reduce and downsample differ only by Cout).
        var seen = Set<String>()
        return shapes.filter { seen.insert($0.shape).inserted }
    }()

    /// The 3×3 stride-1 convs of ResNet50 on a 375×500 photo at scale 2, the largest CAM scale
    /// (layers 1-4, strides (2,2,2,1)), by im2col and by Winograd; measured with batch 2 (image and flip).
    static let photoShapes: [ConvShape] = {
        let layers = [(1, 64, 188, 250), (2, 128, 94, 125), (3, 256, 47, 63), (4, 512, 47, 63)]
        return layers.flatMap { layer, planes, height, width in
            [false, true].map { winograd in
                ConvShape(name: "x2 photo layer\(layer) 3x3" + (winograd ? " winograd" : " im2col"),
                          inChannels: planes, outChannels: planes, kernel: 3, stride: 1, padding: 1,
                          height: height, width: width, winograd: winograd)
            }
        }
    }()

    static func measure(_ shape: ConvShape, batch: Int, repeats: Int) -> BenchResult {
        var random = SeededRandom(seed: 11)
        let input = random.tensor(shape: [batch, shape.inChannels, shape.height, shape.width], scale: 1)
        let weight = random.tensor(shape: [shape.outChannels, shape.inChannels, shape.kernel, shape.kernel], scale: 0.05)
        let bias = random.tensor(shape: [shape.outChannels], scale: 0.1)
        let workspace = GEMMWorkspace()
        var output = Tensor(shape: [])
        // Winograd rows transform the filter once, outside the timing, as the networks do.
        let filter = shape.winograd ? WinogradFilter(weight) : nil
        let seconds = bestTime(repeats: repeats) {
            if let filter {
                output = conv2dWinograd(input, filter: filter, bias: bias, padding: (shape.padding, shape.padding),
                                        activation: .relu, workspace: workspace)
            } else {
                output = conv2d(input, weight: weight, bias: bias, stride: (shape.stride, shape.stride),
                                padding: (shape.padding, shape.padding), activation: .relu, workspace: workspace)
            }
        }
        precondition(output.shape == [batch, shape.outChannels, shape.outputHeight, shape.outputWidth])
        return BenchResult(name: shape.name, shape: shape.shape + (batch > 1 ? " x\(batch)" : ""),
                           milliseconds: seconds * 1e3, gflops: shape.flops * Double(batch) / seconds * 1e-9,
                           parameters: [("batch", batch), ("in_channels", shape.inChannels),
                                        ("out_channels", shape.outChannels), ("kernel", shape.kernel),
                                        ("stride", shape.stride), ("padding", shape.padding), ("height", shape.height),
                                        ("width", shape.width), ("winograd", shape.winograd ? 1 : 0)])
    }
}
