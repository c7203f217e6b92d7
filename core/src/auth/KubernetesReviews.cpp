#include "KubernetesReviews.h"

#include "JsonString.h"

#include <Poco/JSON/Parser.h>

#include <utility>

namespace kiod {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Thrown while reading an answer, caught by parseResponse.
struct AnswerError {
    std::string message;
};

bool present(const Object& object, const std::string& field) {
    return object.has(field) && !object.isNull(field);
}

bool flagAt(const Object& object, const std::string& field) {
    if (!present(object, field)) {
        return false;
    }
    auto value = object.get(field);
    if (value.type() != typeid(bool)) {
        throw AnswerError{field + ": not a boolean"};
    }
    return value.extract<bool>();
}

std::string textAt(const Object& object, const std::string& field) {
    if (!present(object, field)) {
        return "";
    }
    auto value = object.get(field);
    if (!value.isString()) {
        throw AnswerError{field + ": not a string"};
    }
    return value.extract<std::string>();
}

std::vector<std::string> texts(const Poco::Dynamic::Var& value, const std::string& where) {
    if (value.type() != typeid(Array::Ptr)) {
        throw AnswerError{where + ": not a list"};
    }
    std::vector<std::string> out;
    for (const auto& item : *value.extract<Array::Ptr>()) {
        if (!item.isString()) {
            throw AnswerError{where + ": not a list of strings"};
        }
        out.push_back(item.extract<std::string>());
    }
    return out;
}

std::vector<std::string> textsAt(const Object& object, const std::string& field) {
    return present(object, field) ? texts(object.get(field), field) : std::vector<std::string>{};
}

// The status of a review answer of `kind`.
Object::Ptr statusOf(std::string_view json, const std::string& kind) {
    Poco::Dynamic::Var root;
    try {
        root = Poco::JSON::Parser().parse(std::string(json));
    } catch (const Poco::Exception& e) {
        throw AnswerError{"not JSON: " + e.message()};
    }
    if (root.type() != typeid(Object::Ptr)) {
        throw AnswerError{"not a JSON object"};
    }
    auto object = root.extract<Object::Ptr>();
    if (textAt(*object, "kind") != kind) {
        throw AnswerError{"not a " + kind};
    }
    auto status = object->getObject("status");
    if (!status) {
        throw AnswerError{"no status"};
    }
    return status;
}

template <class Review, class Read>
Result<Review> parseReview(std::string_view json, const std::string& kind, Read read) {
    try {
        return read(*statusOf(json, kind));
    } catch (const AnswerError& e) {
        return Status::invalid("not a " + kind + " answer: " + e.message);
    }
}

// `"name":"value"` after a comma unless first; nothing when `value` is empty.
void appendField(std::string& out, const char* name, const std::string& value) {
    if (value.empty()) {
        return;
    }
    if (out.back() != '{') {
        out += ',';
    }
    out += '"';
    out += name;
    out += "\":";
    appendJsonString(out, value);
}

}  // namespace

std::string TokenReview::request(std::string_view token,
                                 const std::vector<std::string>& audiences) {
    std::string body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",)"
                       R"("spec":{"token":)";
    appendJsonString(body, token);
    if (!audiences.empty()) {
        body += ",\"audiences\":";
        appendJsonStringArray(body, audiences);
    }
    body += "}}";
    return body;
}

Result<TokenReview> TokenReview::parseResponse(std::string_view json) {
    return parseReview<TokenReview>(json, "TokenReview", [](const Object& status) {
        TokenReview review;
        review.authenticated = flagAt(status, "authenticated");
        review.error = textAt(status, "error");
        review.audiences = textsAt(status, "audiences");
        if (!review.authenticated) {
            return review;
        }
        auto user = status.getObject("user");
        if (!user || textAt(*user, "username").empty()) {
            throw AnswerError{"authenticated without a username"};
        }
        review.user.name = textAt(*user, "username");
        review.user.uid = textAt(*user, "uid");
        review.user.groups = textsAt(*user, "groups");
        if (auto extra = user->getObject("extra")) {
            for (const auto& [key, values] : *extra) {
                review.user.extra[key] = texts(values, "extra." + key);
            }
        }
        return review;
    });
}

std::string SubjectAccessReview::request(const UserInfo& user, const RequestAttributes& request) {
    std::string body = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",)"
                       R"("spec":{)";
    std::string attributes = "{";
    if (request.resourceRequest) {
        body += "\"resourceAttributes\":";
        appendField(attributes, "namespace", request.namespaceName);
        appendField(attributes, "verb", request.verb);
        appendField(attributes, "group", request.apiGroup);
        appendField(attributes, "version", request.apiVersion);
        appendField(attributes, "resource", request.resource);
        appendField(attributes, "subresource", request.subresource);
        appendField(attributes, "name", request.name);
    } else {
        body += "\"nonResourceAttributes\":";
        appendField(attributes, "path", request.path);
        appendField(attributes, "verb", request.verb);
    }
    body += attributes + "}";
    body += ",\"user\":";
    appendJsonString(body, user.name);
    if (!user.groups.empty()) {
        body += ",\"groups\":";
        appendJsonStringArray(body, user.groups);
    }
    if (!user.extra.empty()) {
        body += ",\"extra\":{";
        for (auto it = user.extra.begin(); it != user.extra.end(); ++it) {
            if (it != user.extra.begin()) {
                body += ',';
            }
            appendJsonString(body, it->first);
            body += ':';
            appendJsonStringArray(body, it->second);
        }
        body += '}';
    }
    if (!user.uid.empty()) {
        body += ",\"uid\":";
        appendJsonString(body, user.uid);
    }
    body += "}}";
    return body;
}

Result<SubjectAccessReview> SubjectAccessReview::parseResponse(std::string_view json) {
    return parseReview<SubjectAccessReview>(json, "SubjectAccessReview", [](const Object& status) {
        SubjectAccessReview review;
        review.allowed = flagAt(status, "allowed");
        review.denied = flagAt(status, "denied");
        review.reason = textAt(status, "reason");
        review.evaluationError = textAt(status, "evaluationError");
        return review;
    });
}

}  // namespace kiod
