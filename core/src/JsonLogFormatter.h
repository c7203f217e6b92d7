#pragma once

#include <Poco/Formatter.h>

namespace kiod {

// One JSON object per line (`{"time":..,"level":..,"logger":..,"message":..}`)
// for log shippers that parse JSON; [log] format = json.
class JsonLogFormatter : public Poco::Formatter {
public:
    void format(const Poco::Message& message, std::string& text) override;
};

}  // namespace kiod
