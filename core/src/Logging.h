#pragma once

#include "CoreConfig.h"

#include <kiod/RequestObserver.h>

namespace kiod {

// Sends every logger's output to standard error (journald and container
// runtimes collect it there) in the configured format and level.
void configureLogging(const LogConfig& config);

// [log] access = true: a line per request on the logger kiod.access.
class AccessLog : public RequestObserver {
public:
    void observe(const RequestRecord& record) noexcept override;
};

}  // namespace kiod
