#include "JsonLogFormatter.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Message.h>
#include <Poco/UTF8String.h>

namespace kiod {

namespace {

const char* levelName(Poco::Message::Priority priority) {
    switch (priority) {
        case Poco::Message::PRIO_FATAL:
            return "fatal";
        case Poco::Message::PRIO_CRITICAL:
            return "critical";
        case Poco::Message::PRIO_ERROR:
            return "error";
        case Poco::Message::PRIO_WARNING:
            return "warning";
        case Poco::Message::PRIO_NOTICE:
            return "notice";
        case Poco::Message::PRIO_INFORMATION:
            return "info";
        case Poco::Message::PRIO_DEBUG:
            return "debug";
        case Poco::Message::PRIO_TRACE:
            return "trace";
    }
    return "info";
}

}  // namespace

void JsonLogFormatter::format(const Poco::Message& message, std::string& text) {
    text += R"({"time":")";
    text += Poco::DateTimeFormatter::format(message.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ");
    text += R"(","level":")";
    text += levelName(message.getPriority());
    text += R"(","logger":")";
    text += Poco::UTF8::escape(message.getSource(), true);
    text += R"(","message":")";
    text += Poco::UTF8::escape(message.getText(), true);
    text += "\"}";
}

}  // namespace kiod
