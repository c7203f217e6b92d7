#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace kiod {

// The decoded parameters of a URL's query (without the '?'): a parameter
// given without `=` (`?verbose`) has an empty value; repeated ones keep
// every value.
using QueryParameters = std::multimap<std::string, std::string, std::less<>>;
QueryParameters parseQueryString(std::string_view query);

}  // namespace kiod
