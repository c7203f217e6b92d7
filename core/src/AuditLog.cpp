#include "AuditLog.h"

#include "JsonString.h"
#include "auth/AuthorizationRules.h"

#include <kiod/Errors.h>

#include <Poco/DateTimeFormatter.h>
#include <Poco/FileChannel.h>
#include <Poco/Message.h>
#include <Poco/StreamChannel.h>
#include <Poco/Timestamp.h>

#include <iostream>

namespace kiod {

namespace {

std::string quoted(std::string_view text) {
    std::string out;
    appendJsonString(out, text);
    return out;
}

}  // namespace

AuditLog::AuditLog(const AuditConfig& config) : config_(config) {
    Poco::AutoPtr<Poco::Channel> target;
    if (config.path == "-") {
        target = new Poco::StreamChannel(std::cout);
    } else {
        Poco::AutoPtr<Poco::FileChannel> file = new Poco::FileChannel(config.path);
        // audit.log, then audit.log.0 (newest) .. audit.log.N-1 (oldest).
        file->setProperty("rotation", std::to_string(config.maxSizeMib) + " M");
        file->setProperty("archive", "number");
        file->setProperty("purgeCount", std::to_string(config.keep));
        try {
            file->open();
        } catch (const Poco::Exception& e) {
            throw StartupError("audit.path: cannot write '" + config.path +
                               "': " + e.displayText());
        }
        target = file;
    }
    channel_ = new Poco::AsyncChannel(target);
    channel_->open();
}

AuditLog::~AuditLog() {
    channel_->close();  // writes what is queued first
}

std::string AuditLog::line(const RequestRecord& record) {
    static const RequestAttributes kNone;
    const auto& attributes = record.attributes ? *record.attributes : kNone;
    std::string text = "{\"time\":" + quoted(Poco::DateTimeFormatter::format(
                                          Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%iZ"));
    text += ",\"listener\":" + quoted(record.listener);
    if (record.user) {
        text += ",\"user\":" + quoted(record.user->name) + ",\"groups\":";
        appendJsonStringArray(text, record.user->groups);
    } else {
        text += ",\"user\":null,\"groups\":[]";
    }
    text += ",\"verb\":" + quoted(attributes.verb) +
            ",\"apiGroup\":" + quoted(attributes.apiGroup) +
            ",\"resource\":" + quoted(attributes.resource) +
            ",\"subresource\":" + quoted(attributes.subresource) +
            ",\"namespace\":" + quoted(attributes.namespaceName) +
            ",\"name\":" + quoted(attributes.name) + ",\"path\":" + quoted(record.path) +
            ",\"method\":" + quoted(record.method) + ",\"code\":" + std::to_string(record.status) +
            ",\"sourceAddress\":" + quoted(record.client) + "}";
    return text;
}

void AuditLog::observe(const RequestRecord& record) noexcept {
    if ((record.method == "GET" || record.method == "HEAD") &&
        !AuthorizationRules::pathMatches(config_.readPaths, record.path)) {
        return;
    }
    try {
        channel_->log(Poco::Message("kiod.audit", line(record), Poco::Message::PRIO_NOTICE));
    } catch (...) {
        // A full disk must not fail the request; the log shows the gap's cause.
    }
}

}  // namespace kiod
