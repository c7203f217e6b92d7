#include "QueryString.h"

#include <Poco/URI.h>

#include <algorithm>

namespace kiod {

namespace {

// A '+' in a query is a space (form encoding, which Go's url.Values and so
// kubectl use: `labelSelector=env+in+(a)`). Poco's decode turns '+' into
// ' ' only after a '?' in its input, which these parts never have, so it is
// done here; an encoded plus (%2B) stays a plus.
std::string decode(std::string_view part) {
    std::string spaced(part), decoded;
    std::replace(spaced.begin(), spaced.end(), '+', ' ');
    Poco::URI::decode(spaced, decoded);
    return decoded;
}

}  // namespace

QueryParameters parseQueryString(std::string_view query) {
    QueryParameters parameters;
    std::string_view rest = query;
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        if (!pair.empty()) {
            auto eq = pair.find('=');
            std::string name = decode(pair.substr(0, eq));
            std::string value = eq != std::string_view::npos ? decode(pair.substr(eq + 1)) : "";
            parameters.emplace(std::move(name), std::move(value));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(amp + 1);
    }
    return parameters;
}

}  // namespace kiod
