// libFuzzer target: the label selector parser (a list's ?labelSelector=).
#include "LabelSelector.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto selector = kiod::catalog::LabelSelector::parse(text);
    if (selector) {
        selector.value().matches({{"app", "web"}, {"tier", "db"}, {"a.b/c", ""}});
    }
    return 0;
}
