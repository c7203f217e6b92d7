#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiod {

// Appends `text` to `out` as a JSON string, quotes included. '/' stays as
// it is: Poco escapes it as "\/", valid JSON that kube-apiserver does not
// write, and messages and log lines full of paths read better without.
void appendJsonString(std::string& out, std::string_view text);

// Appends `items` to `out` as a JSON array of strings.
void appendJsonStringArray(std::string& out, const std::vector<std::string>& items);

}  // namespace kiod
