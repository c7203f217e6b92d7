#pragma once

#include <string>
#include <string_view>

namespace kiod {

// Appends `text` to `out` as a JSON string, quotes included. '/' stays as
// it is: Poco escapes it as "\/", valid JSON that kube-apiserver does not
// write, and messages and log lines full of paths read better without.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace kiod
