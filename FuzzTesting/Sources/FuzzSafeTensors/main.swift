import Recurrent

/// Any bytes as a safetensors file: parsing either throws a `SafeTensorsError` or gives tensors
/// whose values can all be read, and which serialize to a file that parses to the same tensors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let file = try? SafeTensors(bytes: bytes) else { return 0 }
    for name in file.names {
        guard let tensor = try? file.tensor(name) else { fatalError("listed tensor \(name) cannot be read") }
        _ = tensor.floatValues()
        _ = tensor.integerValues()
        _ = tensor.matrixValue()
    }
    let again: SafeTensors
    do { again = try SafeTensors(bytes: file.serialized()) } catch { fatalError("re-serialized file does not parse: \(error)") }
    precondition(again == file, "re-serialized file differs")
    return 0
}
