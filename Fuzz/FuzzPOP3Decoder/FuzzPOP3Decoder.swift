// The libFuzzer target for `POP3DecoderFuzzTarget` (see its documentation and scripts/fuzz.sh).
//
// scripts/fuzz.sh builds it with `-DFUZZING -sanitize=fuzzer,address`: it then runs libFuzzer, which calls
// LLVMFuzzerTestOneInput. In a normal build it is a replay tool for the files or directories it is given:
//   FuzzPOP3Decoder Fuzz/crashers/pop3/crash-...

import FuzzHarness

#if FUZZING
/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.testOneInput(POP3DecoderFuzzTarget.self, data, size)
}
#endif

@main
enum FuzzPOP3Decoder {
    static func main() {
        #if FUZZING
        FuzzEntry.runLibFuzzer(fuzz)
        #else
        FuzzEntry.replayCommandLine(POP3DecoderFuzzTarget.self)
        #endif
    }
}
