#pragma once

#include "Authenticator.h"
#include "FileWatcher.h"
#include "ReloadingFile.h"
#include "TokenFile.h"

#include <optional>
#include <string_view>

namespace kiod {

// `Authorization: Bearer TOKEN` against auth.token_file, reread when it
// changes.
class TokenFileAuthenticator : public Authenticator {
public:
    // Throws ConfigError naming `key` if the file does not read or parse.
    TokenFileAuthenticator(const std::string& key, const std::string& path, FileWatcher& watcher);

    Authentication authenticate(const Poco::Net::HTTPServerRequest& request,
                                const PeerCertificate* peer) const override;

private:
    ReloadingFile<TokenFile> file_;
};

// The token of an `Authorization: Bearer` header, or nullopt (no header,
// another scheme, or an empty token).
std::optional<std::string> bearerToken(const Poco::Net::HTTPServerRequest& request);

}  // namespace kiod
