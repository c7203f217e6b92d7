#include "JsonString.h"

#include <Poco/UTF8String.h>

namespace kiod {

void appendJsonString(std::string& out, std::string_view text) {
    out += '"';
    auto escaped = Poco::UTF8::escape(std::string(text), true);
    for (auto at = escaped.find("\\/"); at != std::string::npos; at = escaped.find("\\/", at)) {
        escaped.erase(at, 1);
    }
    out += escaped;
    out += '"';
}

void appendJsonStringArray(std::string& out, const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        appendJsonString(out, items[i]);
    }
    out += ']';
}

}  // namespace kiod
