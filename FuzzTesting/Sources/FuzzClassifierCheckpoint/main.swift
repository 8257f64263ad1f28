import Recurrent
import RecurrentSeries

/// Any bytes as a classifier checkpoint (`recurrent classify predict`): a readable error or a
/// model rebuilt from its metadata and weights.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClassifierCheckpoint(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let file = try? SafeTensors(bytes: bytes) else { return 0 }
    _ = try? ClassifierCheckpoint(file)
    return 0
}
