#pragma once

#include "CoreConfig.h"

#include <kiod/RequestObserver.h>

#include <Poco/AsyncChannel.h>
#include <Poco/AutoPtr.h>

namespace kiod {

// [audit]: one JSON line per request that may change something (any method
// but GET and HEAD) and per request under `read_paths` (the crypto service:
// every call there reveals or uses a key), on every listener, whatever its
// outcome:
//
//   {"time":"2025-01-31T12:00:00.123Z","listener":"api","user":"alice",
//    "groups":["dev","system:authenticated"],"verb":"create",
//    "apiGroup":"actions.kio.kasten.io","resource":"backupactions",
//    "subresource":"","namespace":"dev","name":"","path":"/apis/...",
//    "method":"POST","code":201,"sourceAddress":"10.0.0.7:51234"}
//
// `user` is null when authentication refused the request. Built from the
// request line, the identity and the status only: never a body, a query, a
// header, a passphrase or a key. Lines are written by a thread of their own
// (the request never waits on the disk) and flushed before kiod exits.
class AuditLog : public RequestObserver {
public:
    // Opens the file (or standard output); throws StartupError if it
    // cannot be written.
    explicit AuditLog(const AuditConfig& config);
    ~AuditLog() override;

    void observe(const RequestRecord& record) noexcept override;

    // The line for `record`, without the newline.
    static std::string line(const RequestRecord& record);

private:
    AuditConfig config_;
    Poco::AutoPtr<Poco::AsyncChannel> channel_;
};

}  // namespace kiod
