#pragma once

#include <cstddef>
#include <string_view>

namespace kiod {

// How deep arrays and objects may nest in JSON that kiod takes from outside
// (request bodies, continue tokens). rapidjson parses, copies and writes a
// value by recursion, a stack frame per level: a body of a few MiB of `[`
// overflowed a thread's stack and killed kiod (found by the hostile-input
// test). Kubernetes objects need a few dozen levels; Go's encoding/json,
// which kube-apiserver uses, stops at 10000.
constexpr std::size_t kMaxJsonDepth = 1000;

// Whether `json` nests arrays and objects deeper than kMaxJsonDepth; ask
// before rapidjson parses text from outside. Reads each byte once and
// allocates nothing. Text that is not JSON may pass (the parser refuses it
// then), but none that would take the parser deeper.
bool jsonTooDeep(std::string_view json);

}  // namespace kiod
