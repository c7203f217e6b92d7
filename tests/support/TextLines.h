#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiod::test {

// The lines of `text`, empty ones left out: the events of a watch body,
// one JSON object per line.
inline std::vector<std::string> nonEmptyLines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string_view::npos; end = text.find('\n', start)) {
        if (end > start) {
            lines.emplace_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return lines;
}

}  // namespace kiod::test
