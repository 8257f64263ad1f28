import Foundation
import Recurrent

/// What every benchmark line says about the machine it ran on, so that figures from different
/// CPUs are never compared blind: the CPU, its caches, and the GEMM kernel and blocking in force.
struct BenchMachine {
    var cpu = "unknown"
    /// x86 family and model numbers ("25/17" is AMD Zen 4), or nil elsewhere.
    var familyModel: String?
    var l1dKiB: Int?, l2KiB: Int?, l3KiB: Int?
    var cores = ProcessInfo.processInfo.activeProcessorCount

    static let current = BenchMachine()

    private init() {
        #if os(Linux)
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            let fields = Self.firstProcessorFields(info)
            cpu = fields["model name"] ?? fields["Model"] ?? fields["CPU part"].map { "ARM part \($0)" } ?? cpu
            if let family = fields["cpu family"], let model = fields["model"] { familyModel = "\(family)/\(model)" }
        }
        // sysfs: one folder per cache of CPU 0, with its level, type and size ("32K").
        let base = "/sys/devices/system/cpu/cpu0/cache"
        for index in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where index.hasPrefix("index") {
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: "\(base)/\(index)/\(name)", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let level = read("level"), let type = read("type"), let size = read("size").flatMap(Self.kibibytes) else { continue }
            switch (level, type) {
            case ("1", "Data"): l1dKiB = size
            case ("2", _): l2KiB = size
            case ("3", _): l3KiB = size
            default: break
            }
        }
        #elseif os(macOS)
        cpu = Self.sysctlString("machdep.cpu.brand_string") ?? cpu
        l1dKiB = Self.sysctlInt("hw.l1dcachesize").map { $0 / 1024 }
        l2KiB = Self.sysctlInt("hw.l2cachesize").map { $0 / 1024 }
        l3KiB = Self.sysctlInt("hw.l3cachesize").map { $0 / 1024 }
        #endif
    }

    /// The JSON fields: cpu, family/model, cores, cache sizes, `kernel`, its micro-tile and blocking.
    func fields(kernel: GemmKernel) -> [(String, Any)] {
        let blocking = kernel.blocking, tile = kernel.tile
        var out: [(String, Any)] = [("cpu", cpu)]
        if let familyModel { out.append(("cpu_family_model", familyModel)) }
        out.append(("cores", cores))
        if let l1dKiB { out.append(("l1d_kib", l1dKiB)) }
        if let l2KiB { out.append(("l2_kib", l2KiB)) }
        if let l3KiB { out.append(("l3_kib", l3KiB)) }
        out += [("kernel", kernel.rawValue), ("mr", tile.rows), ("nr", tile.columns),
                ("mc", blocking.mc), ("kc", blocking.kc), ("nc", blocking.nc)]
        let derived = kernel.derivedBlocking
        out += [("derived_mc", derived.mc), ("derived_kc", derived.kc), ("derived_nc", derived.nc)]
        return out
    }

    /// "key\t: value" lines of the first processor in /proc/cpuinfo.
    static func firstProcessorFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { if !fields.isEmpty { break } else { continue } }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return fields
    }

    /// "32K" → 32, "1M" → 1024 (sysfs cache sizes).
    static func kibibytes(_ text: String) -> Int? {
        if let k = Int(text.dropLast()), text.hasSuffix("K") { return k }
        if let m = Int(text.dropLast()), text.hasSuffix("M") { return m * 1024 }
        return Int(text).map { $0 / 1024 }
    }

    #if os(macOS)
    static func sysctlInt(_ name: String) -> Int? {
        var value = 0, size = MemoryLayout<Int>.size
        return sysctlbyname(name, &value, &size, nil, 0) == 0 && value > 0 ? value : nil
    }

    static func sysctlString(_ name: String) -> String? {
        var size = 0
        guard sysctlbyname(name, nil, &size, nil, 0) == 0, size > 0 else { return nil }
        var bytes = [CChar](repeating: 0, count: size)
        guard sysctlbyname(name, &bytes, &size, nil, 0) == 0 else { return nil }
        return String(cString: bytes)
    }
    #endif
}
