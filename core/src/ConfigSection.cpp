#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>

#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <algorithm>
#include <optional>
#include <sstream>

namespace kiod {

void EffectiveConfiguration::record(const std::string& section, const std::string& key,
                                    const std::string& value) {
    auto [it, inserted] = sections_.try_emplace(section);
    if (inserted) {
        sectionOrder_.push_back(section);
    }
    auto& entries = it->second;
    auto existing = std::find_if(entries.begin(), entries.end(),
                                 [&](const auto& entry) { return entry.first == key; });
    if (existing != entries.end()) {
        existing->second = value;
    } else {
        entries.emplace_back(key, value);
    }
}

std::string EffectiveConfiguration::toIni() const {
    std::ostringstream out;
    for (const auto& section : sectionOrder_) {
        if (out.tellp() > 0) {
            out << '\n';
        }
        out << '[' << section << "]\n";
        for (const auto& [key, value] : sections_.at(section)) {
            out << key << " = " << value << '\n';
        }
    }
    return out.str();
}

namespace {

// Every leaf key below `prefix`, relative to it (`tls.cert` below
// `listener.api`).
void collectLeafKeys(const Poco::Util::AbstractConfiguration& config, const std::string& prefix,
                     const std::string& relative, std::vector<std::string>& out) {
    Poco::Util::AbstractConfiguration::Keys children;
    config.keys(prefix, children);
    if (children.empty()) {
        if (!relative.empty()) {
            out.push_back(relative);
        }
        return;
    }
    for (const auto& child : children) {
        collectLeafKeys(config, prefix + "." + child,
                        relative.empty() ? child : relative + "." + child, out);
    }
}

std::string joinQuoted(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

// A suffix and how many of the base unit it stands for.
using Unit = std::pair<std::string, Poco::UInt64>;

const std::vector<Unit> kSizeUnits = {
    {"", 1}, {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024 * 1024 * 1024}};

// `text` as a whole number followed by one of `units` (`defaultUnit` when
// there is none), in the base unit; nothing when it is not one.
std::optional<Poco::UInt64> withUnit(const std::string& text, const std::vector<Unit>& units,
                                     const std::string& defaultUnit) {
    auto unitAt = text.find_first_not_of("0123456789");
    std::string number = text.substr(0, unitAt);
    std::string unit = unitAt == std::string::npos ? defaultUnit : Poco::trim(text.substr(unitAt));
    auto found = std::find_if(units.begin(), units.end(),
                              [&](const auto& entry) { return entry.first == unit; });
    Poco::UInt64 amount = 0;
    if (number.empty() || found == units.end() ||
        !Poco::NumberParser::tryParseUnsigned64(number, amount) || amount >= (1ULL << 40)) {
        return std::nullopt;
    }
    return amount * found->second;
}

}  // namespace

std::string sizeText(std::size_t bytes) {
    for (auto unit = kSizeUnits.rbegin(); unit != kSizeUnits.rend(); ++unit) {
        if (bytes >= unit->second && bytes % unit->second == 0) {
            return std::to_string(bytes / unit->second) + unit->first;
        }
    }
    return std::to_string(bytes);
}

ConfigSection::ConfigSection(const Poco::Util::AbstractConfiguration& config, std::string section,
                             EffectiveConfiguration& effective,
                             std::vector<std::string> listenerNames)
    : config_(config),
      section_(std::move(section)),
      effective_(effective),
      listenerNames_(std::move(listenerNames)) {}

std::string ConfigSection::fullKey(const std::string& key) const {
    return section_ + "." + key;
}

bool ConfigSection::has(const std::string& key) const {
    return config_.hasProperty(fullKey(key));
}

std::string ConfigSection::raw(const std::string& key, const std::string& defaultValue) {
    readKeys_.insert(Poco::toLower(key));
    return Poco::trim(config_.getRawString(fullKey(key), defaultValue));
}

std::string ConfigSection::getString(const std::string& key, const std::string& defaultValue) {
    auto value = raw(key, defaultValue);
    effective_.record(section_, key, value);
    return value;
}

std::string ConfigSection::requireString(const std::string& key) {
    auto value = getString(key, "");
    if (value.empty()) {
        throw ConfigError(fullKey(key) + ": required, but not set");
    }
    return value;
}

int ConfigSection::getInt(const std::string& key, int defaultValue, int min, int max) {
    auto text = raw(key, std::to_string(defaultValue));
    int value = 0;
    if (!Poco::NumberParser::tryParse(text, value) || value < min || value > max) {
        throw ConfigError(fullKey(key) + ": '" + text + "' is not a whole number from " +
                          std::to_string(min) + " to " + std::to_string(max));
    }
    effective_.record(section_, key, std::to_string(value));
    return value;
}

bool ConfigSection::getBool(const std::string& key, bool defaultValue) {
    auto text = raw(key, defaultValue ? "true" : "false");
    bool value = false;
    if (!Poco::NumberParser::tryParseBool(text, value)) {
        throw ConfigError(fullKey(key) + ": '" + text + "' is not a boolean (true or false)");
    }
    effective_.record(section_, key, value ? "true" : "false");
    return value;
}

std::string ConfigSection::getChoice(const std::string& key, const std::string& defaultValue,
                                     const std::vector<std::string>& choices) {
    auto value = Poco::toLower(raw(key, defaultValue));
    if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
        throw ConfigError(fullKey(key) + ": '" + value + "' is not one of " + joinQuoted(choices));
    }
    effective_.record(section_, key, value);
    return value;
}

std::vector<std::string> ConfigSection::getList(const std::string& key,
                                                const std::vector<std::string>& defaultValue) {
    std::vector<std::string> items;
    if (!has(key)) {
        readKeys_.insert(Poco::toLower(key));
        items = defaultValue;
    } else {
        std::string item;
        for (char c : raw(key, "")) {
            if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
                if (!item.empty()) {
                    items.push_back(std::move(item));
                }
                item.clear();
            } else {
                item += c;
            }
        }
        if (!item.empty()) {
            items.push_back(std::move(item));
        }
    }
    effective_.record(section_, key, joinQuoted(items));
    return items;
}

std::chrono::milliseconds ConfigSection::getDuration(const std::string& key,
                                                     std::chrono::milliseconds defaultValue,
                                                     std::chrono::milliseconds min,
                                                     std::chrono::milliseconds max) {
    auto text = raw(key, std::to_string(defaultValue.count()) + "ms");
    static const std::vector<Unit> kUnits = {
        {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
    auto amount = withUnit(text, kUnits, "s");
    auto value = std::chrono::milliseconds(amount.value_or(0));
    if (!amount || value < min || value > max) {
        throw ConfigError(fullKey(key) + ": '" + text + "' is not a duration from " +
                          std::to_string(min.count()) + "ms to " + std::to_string(max.count()) +
                          "ms (write it as 500ms, 30s, 5m or 1h)");
    }
    effective_.record(section_, key, text);
    return value;
}

std::size_t ConfigSection::getSize(const std::string& key, std::size_t defaultValue,
                                   std::size_t min, std::size_t max) {
    auto text = raw(key, sizeText(defaultValue));
    auto value = withUnit(text, kSizeUnits, "");
    if (!value || *value < min || *value > max) {
        throw ConfigError(fullKey(key) + ": '" + text + "' is not a size from " + sizeText(min) +
                          " to " + sizeText(max) + " (write it as 512KiB, 8MiB or in bytes)");
    }
    effective_.record(section_, key, text);
    return *value;
}

std::string ConfigSection::getListener(const std::string& key, const std::string& defaultValue) {
    auto value = raw(key, defaultValue);
    if (std::find(listenerNames_.begin(), listenerNames_.end(), value) == listenerNames_.end()) {
        throw ConfigError(fullKey(key) + ": no listener named '" + value +
                          "' (configured: " + joinQuoted(listenerNames_) + ")");
    }
    effective_.record(section_, key, value);
    return value;
}

void ConfigSection::checkNoUnknownKeys() const {
    std::vector<std::string> keys;
    collectLeafKeys(config_, section_, "", keys);
    for (const auto& key : keys) {
        if (!readKeys_.contains(Poco::toLower(key))) {
            throw ConfigError(fullKey(key) + ": unknown key");
        }
    }
}

}  // namespace kiod
