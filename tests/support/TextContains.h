#pragma once

#include <string_view>

namespace kiod::test {

// Whether `part` occurs in `text`: the check most tests make of an answer,
// a log or a command's output.
inline bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

}  // namespace kiod::test
