#include "FieldSelector.h"

namespace kiod::aggregatedapi {

namespace {

const std::string kEmpty;

std::string supportedList(const ResourceInfo& resource) {
    std::string list = "\"metadata.name\", \"metadata.namespace\"";
    if (resource.stateFieldSelector) {
        list += ", \"status.state\"";
    }
    return list;
}

std::string unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            ++i;
        }
        out += text[i];
    }
    return out;
}

}  // namespace

Result<FieldSelector> FieldSelector::parse(std::string_view text, const ResourceInfo& resource) {
    FieldSelector selector;
    // Split on unescaped commas.
    std::vector<std::string_view> terms;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] == '\\') {
            ++i;
            continue;
        }
        if (i == text.size() || text[i] == ',') {
            terms.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    for (auto term : terms) {
        if (term.empty()) {
            continue;
        }
        // The first unescaped operator.
        std::size_t at = std::string_view::npos;
        std::size_t length = 0;
        bool equals = true;
        for (std::size_t i = 0; i < term.size(); ++i) {
            if (term[i] == '\\') {
                ++i;
                continue;
            }
            if (term[i] == '!' && i + 1 < term.size() && term[i + 1] == '=') {
                at = i, length = 2, equals = false;
                break;
            }
            if (term[i] == '=') {
                at = i, length = (i + 1 < term.size() && term[i + 1] == '=') ? 2 : 1;
                break;
            }
        }
        if (at == std::string_view::npos) {
            return Status::badRequest("invalid field selector \"" + std::string(text) + "\": \"" +
                                      std::string(term) +
                                      "\" is not a field=value, field==value or field!=value");
        }
        Requirement requirement{unescape(term.substr(0, at)), equals,
                                unescape(term.substr(at + length))};
        const auto& field = requirement.field;
        if (field != "metadata.name" && field != "metadata.namespace" &&
            !(field == "status.state" && resource.stateFieldSelector)) {
            return Status::badRequest("\"" + field + "\" is not a known field selector: only " +
                                      supportedList(resource));
        }
        if (equals) {
            auto& slot = field == "metadata.name"        ? selector.name_
                         : field == "metadata.namespace" ? selector.namespace_
                                                         : selector.state_;
            if (!slot.empty() && slot != requirement.value) {
                selector.impossible_ = true;
            }
            slot = requirement.value;
        }
        selector.requirements_.push_back(std::move(requirement));
    }
    return selector;
}

const std::string& FieldSelector::equalTo(std::string_view field) const {
    if (field == "metadata.name") {
        return name_;
    }
    if (field == "metadata.namespace") {
        return namespace_;
    }
    if (field == "status.state") {
        return state_;
    }
    return kEmpty;
}

bool FieldSelector::matches(std::string_view name, std::string_view ns,
                            std::string_view state) const {
    if (impossible_) {
        return false;
    }
    for (const auto& requirement : requirements_) {
        std::string_view actual = requirement.field == "metadata.name"        ? name
                                  : requirement.field == "metadata.namespace" ? ns
                                                                              : state;
        if ((actual == requirement.value) != requirement.equals) {
            return false;
        }
    }
    return true;
}

}  // namespace kiod::aggregatedapi
