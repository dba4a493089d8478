// The fuzz target. Built by Scripts/fuzz with -sanitize=fuzzer,address -DPORTOLAN_LIBFUZZER, libFuzzer
// calls LLVMFuzzerTestOneInput. In an ordinary build it is a replayer: `portolan-fuzz FILE...` runs
// each file through the same harness (what the regression tests do).
import Foundation
import PortolanFuzzing

#if PORTOLAN_LIBFUZZER
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
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
