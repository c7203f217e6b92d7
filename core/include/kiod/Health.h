#pragma once

#include <string>
#include <utility>

namespace kiod {

// The answer of one health check: ok, or failing with the reason an operator
// needs to act on. Reasons go to /readyz/<check> and the log; the aggregated
// /readyz only says which check failed, as kube-apiserver does.
struct HealthCheck {
    bool ok = true;
    std::string reason;

    static HealthCheck passing() { return {}; }
    static HealthCheck failing(std::string reason) { return {false, std::move(reason)}; }
};

}  // namespace kiod
