#include "RulesAuthorizer.h"

namespace kiod {

RulesAuthorizer::RulesAuthorizer(const std::string& key, const std::string& path,
                                 FileWatcher& watcher)
    : file_(key, path, &AuthorizationRules::parse) {
    watcher.add([this] { file_.poll(); });
}

Authorization RulesAuthorizer::authorize(const UserInfo& user,
                                         const RequestAttributes& request) const {
    return {file_.current()->allows(user, request) ? Authorization::Decision::kAllow
                                                   : Authorization::Decision::kNoOpinion,
            ""};
}

}  // namespace kiod
