// libFuzzer target: the continue token decoder (a list's ?continue=), and
// that every token it accepts encodes back to one that decodes the same.
#include "ContinueToken.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using kiod::catalog::ContinueToken;
    auto token = ContinueToken::decode(std::string(reinterpret_cast<const char*>(data), size));
    if (!token) {
        return 0;
    }
    auto again = ContinueToken::decode(token.value().encode());
    const auto& a = token.value();
    if (!again || again.value().revision != a.revision || again.value().order != a.order ||
        again.value().ns != a.ns || again.value().name != a.name || again.value().id != a.id) {
        std::abort();
    }
    return 0;
}
