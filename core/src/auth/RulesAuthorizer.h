#pragma once

#include "AuthorizationRules.h"
#include "Authorizer.h"
#include "FileWatcher.h"
#include "ReloadingFile.h"

namespace kiod {

// Allows what auth.rules_file allows, reread when it changes; has no
// opinion on the rest (RBAC never denies).
class RulesAuthorizer : public Authorizer {
public:
    // Throws ConfigError naming `key` if the file does not read or parse.
    RulesAuthorizer(const std::string& key, const std::string& path, FileWatcher& watcher);

    Authorization authorize(const UserInfo& user, const RequestAttributes& request) const override;

private:
    ReloadingFile<AuthorizationRules> file_;
};

}  // namespace kiod
