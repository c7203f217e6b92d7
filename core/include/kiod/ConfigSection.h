#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace Poco::Util {
class AbstractConfiguration;
}

namespace kiod {

// The configuration as it is in force: every key that some owner read, with
// the value it used (the file's, an override's or the default). Printed by
// `kiod --check-config`, so operators see defaults they never wrote.
class EffectiveConfiguration {
public:
    void record(const std::string& section, const std::string& key, const std::string& value);

    // INI text, sections and keys in the order they were first read.
    std::string toIni() const;

private:
    std::vector<std::string> sectionOrder_;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> sections_;
};

// `bytes` as getSize() reads it and people write it: `8MiB`, `64KiB`, or
// the bare number when no unit divides it.
std::string sizeText(std::size_t bytes);

// Typed, validated access to one section of the configuration, such as
// [listener.api] or [metrics]. Each getter returns the value or the default,
// and throws ConfigError naming the full key (`listener.api.threads`) when
// the value is malformed or out of range. The owner of a section reads all
// its keys through one ConfigSection; checkNoUnknownKeys() then rejects the
// keys nobody read, which catches typos such as `adress`.
class ConfigSection {
public:
    ConfigSection(const Poco::Util::AbstractConfiguration& config, std::string section,
                  EffectiveConfiguration& effective, std::vector<std::string> listenerNames = {});

    const std::string& name() const { return section_; }
    bool has(const std::string& key) const;

    std::string getString(const std::string& key, const std::string& defaultValue);
    // Throws ConfigError if the key is absent or empty.
    std::string requireString(const std::string& key);
    int getInt(const std::string& key, int defaultValue, int min, int max);
    bool getBool(const std::string& key, bool defaultValue);
    // One of `choices`, compared without regard to case; returned lower-case.
    std::string getChoice(const std::string& key, const std::string& defaultValue,
                          const std::vector<std::string>& choices);
    // A list separated by commas or white space; empty items are dropped.
    std::vector<std::string> getList(const std::string& key,
                                     const std::vector<std::string>& defaultValue);
    // A duration such as `30s`, `500ms`, `2m` or `1h`; a bare number is seconds.
    std::chrono::milliseconds getDuration(const std::string& key,
                                          std::chrono::milliseconds defaultValue,
                                          std::chrono::milliseconds min,
                                          std::chrono::milliseconds max);
    // A size in bytes such as `512KiB`, `8MiB` or `1GiB`; a bare number is bytes.
    std::size_t getSize(const std::string& key, std::size_t defaultValue, std::size_t min,
                        std::size_t max);
    // The name of a configured listener ([listener.NAME]).
    std::string getListener(const std::string& key, const std::string& defaultValue);

    // Throws ConfigError naming the first key of the section that no getter read.
    void checkNoUnknownKeys() const;

    // `section.key`, the spelling used in every message.
    std::string fullKey(const std::string& key) const;

private:
    std::string raw(const std::string& key, const std::string& defaultValue);

    const Poco::Util::AbstractConfiguration& config_;
    std::string section_;
    EffectiveConfiguration& effective_;
    std::vector<std::string> listenerNames_;
    std::set<std::string> readKeys_;
};

}  // namespace kiod
