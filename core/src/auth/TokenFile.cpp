#include "TokenFile.h"

#include <openssl/crypto.h>

namespace kiod {

namespace {

// One CSV record (RFC 4180 quoting: "a,b" is one field, "" inside quotes
// is a quote). False when a quote is left open.
bool splitRecord(std::string_view line, std::vector<std::string>& fields) {
    fields.assign(1, "");
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return !quoted;
}

std::vector<std::string> splitGroups(const std::string& list) {
    std::vector<std::string> groups;
    std::string::size_type start = 0;
    while (start <= list.size()) {
        auto comma = list.find(',', start);
        auto group = list.substr(start, comma - start);
        if (!group.empty()) {
            groups.push_back(group);
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return groups;
}

}  // namespace

Result<TokenFile> TokenFile::parse(std::string_view text) {
    TokenFile file;
    std::vector<std::string> fields;
    int number = 0;
    while (!text.empty()) {
        auto newline = text.find('\n');
        auto line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            continue;
        }
        std::string where = "line " + std::to_string(number) + ": ";
        if (!splitRecord(line, fields)) {
            return Status::invalid(where + "a quote is not closed");
        }
        if (fields.size() < 3) {
            return Status::invalid(where + "expected token,user,uid[,\"group,...\"]");
        }
        if (fields[0].empty() || fields[1].empty()) {
            return Status::invalid(where + (fields[0].empty() ? "empty token" : "empty user"));
        }
        Entry entry{tokenDigest(fields[0]), {fields[1], fields[2], {}, {}}};
        if (fields.size() > 3) {
            entry.user.groups = splitGroups(fields[3]);
        }
        entry.user.groups.emplace_back(UserInfo::kAuthenticatedGroup);
        for (const auto& other : file.entries_) {
            if (other.digest == entry.digest) {
                // Never the token itself in a message: it would reach the log.
                return Status::invalid(where + "the token of user '" + fields[1] +
                                       "' is already given to user '" + other.user.name + "'");
            }
        }
        file.entries_.push_back(std::move(entry));
    }
    return file;
}

const UserInfo* TokenFile::find(std::string_view token) const {
    TokenDigest presented = tokenDigest(token);
    const UserInfo* found = nullptr;
    for (const auto& entry : entries_) {
        if (CRYPTO_memcmp(entry.digest.data(), presented.data(), presented.size()) == 0) {
            found = &entry.user;
        }
    }
    return found;
}

}  // namespace kiod
