#include "PasskeySpec.h"

#include <kiod/aggregatedapi/ObjectNames.h>

namespace kiod::crypto {

namespace {

using Causes = std::vector<StatusCause>;

const rapidjson::Value* memberOf(const rapidjson::Value& object, const char* name) {
    auto it = object.FindMember(name);
    return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

// One name of a reference: required, a string, and valid by `problemOf`.
std::string referenceName(Causes& causes, const rapidjson::Value& reference, const char* member,
                          const std::string& field, std::string (*problemOf)(std::string_view)) {
    const auto* value = memberOf(reference, member);
    if (!value || (value->IsString() && value->GetStringLength() == 0)) {
        causes.push_back({"FieldValueRequired", "Required value", field});
        return {};
    }
    if (!value->IsString()) {
        causes.push_back({"FieldValueInvalid", "Invalid value: must be a string", field});
        return {};
    }
    std::string name(value->GetString(), value->GetStringLength());
    if (auto problem = problemOf(name); !problem.empty()) {
        causes.push_back(
            {"FieldValueInvalid", "Invalid value: \"" + name + "\": " + problem, field});
    }
    return name;
}

}  // namespace

std::optional<PasskeySpec> PasskeySpec::forCreate(const rapidjson::Value* spec, Causes& causes) {
    auto before = causes.size();
    const rapidjson::Value* secret = nullptr;
    const rapidjson::Value* keyFile = nullptr;
    if (spec && spec->IsObject()) {
        secret = memberOf(*spec, "secret");
        keyFile = memberOf(*spec, "keyFile");
        if (memberOf(*spec, "configuration")) {
            causes.push_back({"FieldValueForbidden",
                              "Forbidden: set by kiod only, on the passkey of its configuration",
                              "spec.configuration"});
        }
    }
    if (!secret && !keyFile) {
        causes.push_back({"FieldValueRequired",
                          "Required value: one of spec.secret (a passphrase) or spec.keyFile (a "
                          "key file)",
                          "spec"});
        return std::nullopt;
    }
    if (secret && keyFile) {
        causes.push_back({"FieldValueForbidden",
                          "Forbidden: may not be set together with spec.secret: a passkey has "
                          "one source",
                          "spec.keyFile"});
        return std::nullopt;
    }
    auto source = secret ? Source::kSecret : Source::kKeyFile;
    std::string field = secret ? "spec.secret" : "spec.keyFile";
    const auto& reference = secret ? *secret : *keyFile;
    if (!reference.IsObject()) {
        causes.push_back({"FieldValueInvalid", "Invalid value: must be an object", field});
        return std::nullopt;
    }
    auto name = referenceName(causes, reference, "name", field + ".name",
                              aggregatedapi::dns1123SubdomainProblem);
    auto ns = referenceName(causes, reference, "namespace", field + ".namespace",
                            aggregatedapi::dns1123LabelProblem);
    if (causes.size() != before) {
        return std::nullopt;
    }
    return PasskeySpec(source, std::move(name), std::move(ns));
}

std::string PasskeySpec::field() const {
    return source_ == Source::kKeyFile ? "spec.keyFile" : "spec.secret";
}

std::string PasskeySpec::relativePath() const {
    return ns_ + "/" + name_ + (source_ == Source::kKeyFile ? "/key" : "/passphrase");
}

rapidjson::Value PasskeySpec::json(rapidjson::Document::AllocatorType& allocator) const {
    rapidjson::Value spec(rapidjson::kObjectType);
    if (source_ == Source::kConfiguration) {
        spec.AddMember("configuration", true, allocator);
        return spec;
    }
    rapidjson::Value reference(rapidjson::kObjectType);
    reference.AddMember("name", rapidjson::Value(name_.c_str(), allocator), allocator);
    reference.AddMember("namespace", rapidjson::Value(ns_.c_str(), allocator), allocator);
    spec.AddMember(rapidjson::StringRef(source_ == Source::kKeyFile ? "keyFile" : "secret"),
                   reference, allocator);
    return spec;
}

}  // namespace kiod::crypto
