#pragma once

#include <kiod/Router.h>

#include <string_view>

namespace kiod {

// The decoded parameters of a URL's query (without the '?'), as
// kiod::QueryParameters describes them.
QueryParameters parseQueryString(std::string_view query);

}  // namespace kiod
