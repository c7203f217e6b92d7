#include "Logging.h"

#include "JsonLogFormatter.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

namespace kiod {

void configureLogging(const LogConfig& config) {
    Poco::AutoPtr<Poco::Formatter> formatter;
    if (config.format == "json") {
        formatter = new JsonLogFormatter;
    } else {
        formatter = new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t");
    }
    Poco::AutoPtr<Poco::Channel> channel =
        new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel);
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(config.level);
    // Loggers created before this point (Poco's own) keep their old setup;
    // move them over too.
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(config.level));
}

void AccessLog::observe(const RequestRecord& record) noexcept {
    try {
        static Poco::Logger& log = Poco::Logger::get("kiod.access");
        if (log.information()) {
            log.information("%s %s %s %d %.3fms client=%s route=%s", std::string(record.listener),
                            std::string(record.method), std::string(record.path), record.status,
                            std::chrono::duration<double, std::milli>(record.duration).count(),
                            std::string(record.client), std::string(record.route));
        }
    } catch (...) {
        // A log line is not worth failing a request over.
    }
}

}  // namespace kiod
