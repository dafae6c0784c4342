// ErrorReport: turns any error a command throws into one line of text and a hint for the user.
// Library errors are typed (PNGError, JPEGError, NPYError, ...); this is the one place that
// knows how to phrase them at the command line.
import Checkpoints
import Codecs
import Networks
import Pipeline

/// An error raised by a command itself (a missing file, a bad combination of inputs).
struct CommandFailure: Error {
    let message: String
    let hint: String
}

enum ErrorReport {
    static func describe(_ error: Error) -> (message: String, hint: String) {
        switch error {
        case let failure as CommandFailure:
            return (failure.message, failure.hint)
        case let weights as NetworkWeightsError:
            if weights.underlying is FileIOError { return describe(weights.underlying) }
            let (message, hint) = describe(weights.underlying)
            return ("\(weights.file): \(message)", hint)
        case let binding as NetworkBindingError:
            return ("\(binding)", "is this the right checkpoint? irn cam takes the CAM network's weights, irn boundary IRNet's")
        case let checkpoint as CheckpointFileError:
            switch checkpoint {
            case .unknownFormat:
                return ("not a checkpoint: neither a PyTorch .pth (zip or legacy) nor a safetensors file",
                        "pass the file torch.save wrote (a state dict), or a .safetensors file")
            case .noBackbone:
                return ("the checkpoint holds no ResNet50 stem convolution ([C, 3, 7, 7])",
                        "pass the state dict of the reference's CAM network or IRNet")
            }
        case let checkpoint as CheckpointError:
            return ("not a readable PyTorch checkpoint: \(checkpoint)",
                    "save a state dict with torch.save(model.state_dict(), path), or convert it to safetensors")
        case let pickle as PickleError:
            return ("the checkpoint's pickle cannot be read safely: \(pickle)",
                    "only state dicts of tensors are read; save model.state_dict(), not the model object")
        case let safeTensors as SafeTensorsError:
            return ("not a readable safetensors file: \(safeTensors)", "the file is damaged or truncated; write it again")
        case let stateDict as StateDictError:
            return ("\(stateDict)", "is this the right checkpoint?")
        case let file as FileIOError:
            switch file {
            case .notFound(let path): return ("no such file: \(path)", "check the path")
            case .unreadable(let path, let reason): return ("cannot read \(path): \(reason)", "check the file's permissions")
            case .tooLarge(let path, let size, let limit): return ("\(path) is \(size) bytes, over the \(limit)-byte limit", "is this the right file?")
            case .unwritable(let path, let reason): return ("cannot write \(path): \(reason)", "check that the output folder is writable")
            }
        case let image as ImageFileError:
            switch image {
            case .unknownFormat(let path): return ("\(path) is not a PNG, JPEG or PNM image", "convert it to PNG or JPEG first")
            case .unsupportedOutput(let path): return ("cannot write \(path): unsupported extension", "use .png, .ppm or .pgm")
            }
        case let png as PNGError:
            return ("not a readable PNG: \(png)", "the file is damaged or uses a feature this decoder lacks; re-save it as PNG")
        case let jpeg as JPEGError:
            return ("not a readable JPEG: \(jpeg)", "the file is damaged or uses a feature this decoder lacks; re-save it as baseline JPEG or PNG")
        case let pnm as PNMError:
            return ("not a readable PPM/PGM: \(pnm)", "re-save it as binary PPM (P6) or PGM (P5)")
        case let zip as ZipError:
            return ("not a readable zip archive: \(zip)", "the file is damaged or truncated")
        case let stage as StageFileError:
            switch stage {
            case .missingArray(let file, let array):
                return ("\(file) has no array '\(array)'", "is this the right stage file? see Docs/Formats.md")
            case .badArray(let file, let array, let reason):
                return ("\(file): array '\(array)' \(reason)", "the file does not follow Docs/Formats.md; remake it")
            case .mismatch(let text):
                return (text, "pass the CAM and boundary files of the same image")
            case .unreadable(let file, let reason):
                return ("\(file) is not a readable CAM file of the reference (a .npy holding a pickled dict of arrays): \(reason)",
                        "pass the .npy the reference's make_cam wrote, or a .npz stage file (Docs/Formats.md)")
            }
        case let classes as ClassListError:
            switch classes {
            case .empty: return ("the class list is empty", "name classes, e.g. cat,dog or 7,11")
            case .unknownClass(let entry):
                return ("unknown class '\(entry)'", "use VOC names (aeroplane ... tvmonitor) or indices 0...19")
            }
        case let npz as NPZError:
            return ("not a readable .npz archive: \(npz)", "write it with numpy.savez")
        case let npy as NPYError:
            return ("not a readable .npy array: \(npy)", "write arrays with numpy.save (C order, little-endian)")
        case let dataset as DatasetError:
            return DatasetErrorReport.describe(dataset)
        case let run as DatasetRunError:
            return RunErrorReport.describe(run)
        case WalkLabelingError.tooManyInstances(let count, let classes):
            return ("the displacement field splits the image into \(count) instances, too many to walk (\(classes) classes)",
                    "check that dp holds displacements in stride-4 pixels (row, column)")
        case let rle as COCORLEError:
            return ("not a valid COCO RLE: \(rle)", "the counts string is damaged")
        case let mask as MaskFileError:
            switch mask {
            case .missingArray(let path, let name, let available):
                return ("\(path) has no array '\(name)' (it has: \(available.joined(separator: ", ")))", "is this the right file?")
            case .ambiguousArray(let path, let available):
                return ("\(path) holds several arrays (\(available.joined(separator: ", ")))", "name one with --array")
            case .badArray(let path, let name, let reason):
                return ("\(path): array '\(name)' \(reason)", "masks are float arrays [K, h, w]; keys are 0-based class indices")
            case .unsupportedLabelImage(let path, let reason):
                return ("\(path) is not a label map: \(reason)", "save labels as an 8-bit indexed or greyscale PNG")
            case .unknownFormat(let path):
                return ("\(path) is neither .npy nor .npz", "write masks with numpy.save or numpy.savez")
            case .sizeMismatch(let path, let reason):
                return ("\(path) does not fit the image: \(reason)", "use the mask made from this image")
            }
        default:
            return ("\(error)", "run with --help to check the inputs")
        }
    }
}
