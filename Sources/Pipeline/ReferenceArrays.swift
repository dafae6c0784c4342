// ReferenceArrays: the arrays of an output file of the reference implementation, a .npy holding
// one pickled dict (np.save of make_cam's or make_ins_seg_labels' dict), read with Checkpoints'
// PickledArrays (the restricted unpickler; nothing executed). A file that is none comes back as
// the caller's own error, so CAM files and prediction files name the problem their own way.
import Checkpoints
import Codecs

enum ReferenceArrays {
    /// The dict's arrays by name; `unreadable(reason)` is thrown for a file that is not one.
    static func read(_ bytes: [UInt8], unreadable: (String) -> Error) throws -> [String: CheckpointTensor] {
        var arrays: [String: CheckpointTensor] = [:]
        do {
            for (name, tensor) in try PickledArrays.dictionary(fromPickle: NPY.pickledObject(bytes)) { arrays[name] = tensor }
        } catch let error as NPYError {
            throw unreadable("\(error)")
        } catch let error as CheckpointError {
            throw unreadable("\(error)")
        } catch let error as PickleError {
            throw unreadable("\(error)")
        }
        return arrays
    }
}
