// The fuzz target. Built by Scripts/fuzz with -sanitize=fuzzer,address -DPORTOLAN_LIBFUZZER, libFuzzer
// runs LLVMFuzzerTestOneInput. In an ordinary build it is a replayer: `portolan-fuzz FILE...` runs
// each file through the same harness (what the regression tests do).
import Foundation
import PortolanFuzzing

#if PORTOLAN_LIBFUZZER
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { FuzzHarness.run([]); return 0 }
    FuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links executables with `main` pointing at `<module>_main`; hand control to libFuzzer's driver.
@_cdecl("portolan_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v) { data, size in fuzzOne(data, size) }
}
#else
@main
enum Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("portolan-fuzz: cannot read \(path)\n".utf8))
                exit(2)
            }
            let outputs = FuzzHarness.run(Array(data))
            print("\(path): ok (\(outputs.count) outputs)")
        }
    }
}
#endif
