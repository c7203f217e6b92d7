#include "ResponseFormat.h"

#include <Poco/String.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace kiod::aggregatedapi {

namespace {

std::string trim(std::string_view text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) {
        return {};
    }
    auto end = text.find_last_not_of(" \t");
    return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto at = text.find(separator, start);
        parts.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
        if (at == std::string_view::npos) {
            return parts;
        }
        start = at + 1;
    }
}

struct MediaRange {
    std::string type;  // lower case, e.g. application/json
    std::map<std::string, std::string> params;
    double q = 1.0;
    std::size_t position = 0;
};

}  // namespace

std::optional<ResponseFormat> ResponseFormat::negotiate(std::string_view accept, bool list) {
    std::vector<MediaRange> ranges;
    std::size_t position = 0;
    for (auto item : split(accept, ',')) {
        auto parts = split(item, ';');
        MediaRange range;
        range.type = Poco::toLower(trim(parts[0]));
        if (range.type.empty()) {
            continue;
        }
        range.position = position++;
        for (std::size_t i = 1; i < parts.size(); ++i) {
            auto param = trim(parts[i]);
            auto eq = param.find('=');
            if (eq == std::string::npos) {
                continue;
            }
            auto name = Poco::toLower(trim(param.substr(0, eq)));
            auto value = trim(param.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            if (name == "q") {
                try {
                    range.q = std::stod(value);
                } catch (const std::exception&) {
                    range.q = 0;
                }
            } else {
                range.params[name] = value;
            }
        }
        if (range.q > 0) {
            ranges.push_back(std::move(range));
        }
    }
    if (ranges.empty()) {
        return ResponseFormat{};
    }
    std::stable_sort(ranges.begin(), ranges.end(),
                     [](const MediaRange& a, const MediaRange& b) { return a.q > b.q; });
    for (const auto& range : ranges) {
        bool json = range.type == "application/json";
        if (!json && range.type != "*/*" && range.type != "application/*") {
            continue;  // protobuf, CBOR, YAML: not produced here
        }
        auto as = range.params.find("as");
        if (as == range.params.end()) {
            return ResponseFormat{};
        }
        auto group = range.params.find("g");
        auto version = range.params.find("v");
        bool meta = group != range.params.end() && group->second == "meta.k8s.io" &&
                    version != range.params.end() &&
                    (version->second == "v1" || version->second == "v1beta1");
        if (!meta) {
            continue;
        }
        if (as->second == "Table") {
            return ResponseFormat{Shape::kTable};
        }
        if ((as->second == "PartialObjectMetadata" && !list) ||
            (as->second == "PartialObjectMetadataList" && list)) {
            return ResponseFormat{Shape::kPartialObjectMetadata};
        }
    }
    return std::nullopt;
}

std::optional<ResponseFormat::IncludeObject> ResponseFormat::parseIncludeObject(
    std::string_view value) {
    if (value == "None") {
        return IncludeObject::kNone;
    }
    if (value == "Metadata" || value.empty()) {
        return IncludeObject::kMetadata;
    }
    if (value == "Object") {
        return IncludeObject::kObject;
    }
    return std::nullopt;
}

}  // namespace kiod::aggregatedapi
