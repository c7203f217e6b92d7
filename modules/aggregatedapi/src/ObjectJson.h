#pragma once

#include <kiod/Status.h>

#include <initializer_list>
#include <map>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace kiod::aggregatedapi {

// A Kubernetes object parsed for the API's own reading and editing: member
// look-up by dotted path, in-place edits, compact serialization. Objects the
// API only passes on are never parsed (stored bytes go out as they are).
class ObjectJson {
public:
    using Value = rapidjson::Value;

    // BadRequest for anything but a JSON object.
    static Result<ObjectJson> parse(std::string_view json);

    Value& root() { return document_; }
    rapidjson::Document& document() { return document_; }
    const Value& root() const { return document_; }
    rapidjson::Document::AllocatorType& allocator() { return document_.GetAllocator(); }

    // The member at `path` (`{"metadata", "name"}`) or nullptr.
    const Value* find(std::initializer_list<const char*> path) const;
    Value* find(std::initializer_list<const char*> path);
    // The string at `path`, or empty when absent or not a string.
    std::string string(std::initializer_list<const char*> path) const;
    // Creates the objects on the way; replaces what is there.
    void set(std::initializer_list<const char*> path, Value value);
    void setString(std::initializer_list<const char*> path, std::string_view value);
    void remove(std::initializer_list<const char*> path);

    std::map<std::string, std::string> labels() const;
    std::string serialize() const;

    static std::string serialize(const Value& value);
    // A stored object without status.<detailsField>; parses only when the
    // field's name occurs in the text, so objects without details go out as
    // stored.
    static std::string withoutDetails(const std::string& json, const std::string& detailsField);
    // The same in place: `json` is left as it is when it has no details.
    static void removeDetails(std::string& json, const std::string& detailsField);

private:
    ObjectJson() = default;
    rapidjson::Document document_;
};

}  // namespace kiod::aggregatedapi
