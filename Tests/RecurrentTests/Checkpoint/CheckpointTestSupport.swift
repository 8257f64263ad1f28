import Foundation
@testable import Recurrent

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "recurrent-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Names in the directory, sorted (hidden temporary files included).
    func listing() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

enum Bytes {
    static func read(_ path: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    static func write(_ bytes: [UInt8], to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    /// A safetensors file: the length of `header` as u64 little-endian, `header`, then `data`.
    static func safetensors(header: String, data: [UInt8] = []) -> [UInt8] {
        safetensors(headerBytes: Array(header.utf8), data: data)
    }

    static func safetensors(headerBytes: [UInt8], data: [UInt8] = []) -> [UInt8] {
        lengthPrefix(UInt64(headerBytes.count)) + headerBytes + data
    }

    static func lengthPrefix(_ n: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
    }
}

/// The package root (the folder holding Package.swift), found from this source file.
func packageRoot(_ file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        url.deleteLastPathComponent()
    }
    return "."
}

/// The problem a byte sequence is rejected with, or nil when it parses.
func problem(_ bytes: [UInt8]) -> SafeTensorsError.Problem? {
    do {
        _ = try SafeTensors(bytes: bytes, origin: "bad.safetensors")
        return nil
    } catch {
        return error.problem
    }
}
