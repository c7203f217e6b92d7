#pragma once

#include <kiod/Health.h>
#include <kiod/Router.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kiod {

// /healthz, /livez and /readyz as kube-apiserver serves them: `ok` or the
// failing checks (500, `[-]NAME failed: reason withheld`), `?verbose` for a
// line per check, `?exclude=NAME`, and `/readyz/NAME` for one check with its
// reason. Liveness is `ping` only, since restarting the process is the
// remedy it triggers; readiness and /healthz add `shutdown` (failing while
// draining) and every module's own check.
class HealthEndpoints {
public:
    using Check = std::function<HealthCheck()>;

    void addLiveness(std::string name, Check check);
    void addReadiness(std::string name, Check check);

    // Mounts the three endpoints and their per-check paths on `listener`.
    void mount(Router& router, const std::string& listener);

private:
    struct Named {
        std::string name;
        Check check;
    };
    using CheckList = std::vector<Named>;

    static void serveAll(const std::string& endpoint, const CheckList& checks,
                         RouteRequest& request, Poco::Net::HTTPServerResponse& response);
    static void serveOne(const CheckList& checks, RouteRequest& request,
                         Poco::Net::HTTPServerResponse& response);

    std::shared_ptr<CheckList> liveness_ = std::make_shared<CheckList>();
    std::shared_ptr<CheckList> readiness_ = std::make_shared<CheckList>();
};

}  // namespace kiod
