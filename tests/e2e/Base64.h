#pragma once

#include <Poco/Base64Encoder.h>

#include <sstream>
#include <string>

namespace kiod::test {

// Standard base64 on one line: how the crypto service carries bytes in JSON.
inline std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

}  // namespace kiod::test
