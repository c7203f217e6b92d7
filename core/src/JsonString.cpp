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

}  // namespace kiod
