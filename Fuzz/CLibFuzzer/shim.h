#ifndef POP3GW_CLIBFUZZER_SHIM_H
#define POP3GW_CLIBFUZZER_SHIM_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, from compiler-rt's FuzzerInterface.h (not installed with the toolchain). The library
// itself comes with `-sanitize=fuzzer`; only FUZZING builds refer to it.

/// Runs libFuzzer as its own main would, with its command-line flags, calling `callback` for each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
