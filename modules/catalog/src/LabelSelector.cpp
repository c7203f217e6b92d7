#include "LabelSelector.h"

#include <algorithm>
#include <cctype>

namespace kiod::catalog {

namespace {

bool isAlnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// A label name or value: at most 63 characters of [A-Za-z0-9_.-], beginning
// and ending with an alphanumeric; a value may also be empty.
bool isQualifiedName(std::string_view text) {
    return !text.empty() && text.size() <= 63 && isAlnum(text.front()) && isAlnum(text.back()) &&
           std::all_of(text.begin(), text.end(),
                       [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// A DNS subdomain: lower-case labels of [a-z0-9-] separated by dots.
bool isDnsSubdomain(std::string_view text) {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        auto dot = text.find('.', start);
        auto label = text.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        bool valid = !label.empty() && label.size() <= 63 && label.front() != '-' &&
                     label.back() != '-' && std::all_of(label.begin(), label.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     });
        if (!valid) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
    return false;
}

bool isLabelKey(std::string_view key) {
    auto slash = key.find('/');
    if (slash == std::string_view::npos) {
        return isQualifiedName(key);
    }
    return isDnsSubdomain(key.substr(0, slash)) && isQualifiedName(key.substr(slash + 1));
}

bool isLabelValue(std::string_view value) {
    return value.empty() || isQualifiedName(value);
}

// Splits the text into the tokens of the grammar: identifiers and the
// punctuation ! = == != ( ) ,
class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    struct Token {
        enum Kind {
            kEnd,
            kIdentifier,
            kNot,
            kEquals,
            kDoubleEquals,
            kNotEquals,
            kOpen,
            kClose,
            kComma,
            kOther
        };
        Kind kind;
        std::string_view text;
        std::size_t position;
    };

    Token peek() {
        auto saved = position_;
        auto token = next();
        position_ = saved;
        return token;
    }

    Token next() {
        while (position_ < text_.size() &&
               std::isspace(static_cast<unsigned char>(text_[position_]))) {
            ++position_;
        }
        auto start = position_;
        if (position_ >= text_.size()) {
            return {Token::kEnd, {}, start};
        }
        auto rest = text_.substr(position_);
        auto take = [&](Token::Kind kind, std::size_t length) {
            position_ += length;
            return Token{kind, rest.substr(0, length), start};
        };
        if (rest.starts_with("==")) {
            return take(Token::kDoubleEquals, 2);
        }
        if (rest.starts_with("!=")) {
            return take(Token::kNotEquals, 2);
        }
        switch (rest.front()) {
            case '!':
                return take(Token::kNot, 1);
            case '=':
                return take(Token::kEquals, 1);
            case '(':
                return take(Token::kOpen, 1);
            case ')':
                return take(Token::kClose, 1);
            case ',':
                return take(Token::kComma, 1);
            case '<':
            case '>':
                return take(Token::kOther, 1);
            default:
                break;
        }
        std::size_t length = 0;
        while (length < rest.size() && !std::isspace(static_cast<unsigned char>(rest[length])) &&
               std::string_view("!=(),<>").find(rest[length]) == std::string_view::npos) {
            ++length;
        }
        return take(Token::kIdentifier, length);
    }

private:
    std::string_view text_;
    std::size_t position_ = 0;
};

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text), lexer_(text) {}

    Result<LabelSelector> parse(std::vector<LabelSelector::Requirement>& out) {
        if (lexer_.peek().kind == Lexer::Token::kEnd) {
            return LabelSelector();
        }
        while (true) {
            auto requirement = parseRequirement();
            if (!requirement.isOk()) {
                return requirement.status();
            }
            out.push_back(std::move(requirement).value());
            auto token = lexer_.next();
            if (token.kind == Lexer::Token::kEnd) {
                return LabelSelector();
            }
            if (token.kind != Lexer::Token::kComma) {
                return error(token, "',' or the end of the selector");
            }
        }
    }

private:
    using Token = Lexer::Token;

    Status error(const Token& found, const std::string& expected) const {
        std::string what =
            found.kind == Token::kEnd ? "the end" : "'" + std::string(found.text) + "'";
        return Status::badRequest("unable to parse label selector \"" + std::string(text_) +
                                  "\": found " + what + " at position " +
                                  std::to_string(found.position) + ", expected " + expected);
    }

    Status invalid(const std::string& what, std::string_view text, const std::string& rule) const {
        return Status::badRequest("invalid label selector \"" + std::string(text_) + "\": " + what +
                                  " \"" + std::string(text) + "\" " + rule);
    }

    Result<std::string> key(const Token& token) {
        if (token.kind != Token::kIdentifier) {
            return error(token, "a label key");
        }
        if (!isLabelKey(token.text)) {
            return invalid(
                "key", token.text,
                "must be [prefix/]name: a name of at most 63 characters [A-Za-z0-9_.-] "
                "beginning and ending with an alphanumeric, and an optional DNS subdomain prefix");
        }
        return std::string(token.text);
    }

    Result<std::string> value() {
        auto token = lexer_.peek();
        if (token.kind != Token::kIdentifier) {
            return std::string();  // the empty value: `key=` and `key in (a,)` are legal
        }
        lexer_.next();
        if (!isLabelValue(token.text)) {
            return invalid(
                "value", token.text,
                "must be at most 63 characters [A-Za-z0-9_.-] beginning and ending with an "
                "alphanumeric");
        }
        return std::string(token.text);
    }

    Result<LabelSelector::Requirement> parseRequirement() {
        using Op = LabelSelector::Operator;
        auto first = lexer_.next();
        if (first.kind == Token::kNot) {
            auto name = key(lexer_.next());
            if (!name.isOk()) {
                return name.status();
            }
            return LabelSelector::Requirement{std::move(name).value(), Op::kDoesNotExist, {}};
        }
        auto name = key(first);
        if (!name.isOk()) {
            return name.status();
        }
        auto op = lexer_.peek();
        switch (op.kind) {
            case Token::kEnd:
            case Token::kComma:
                return LabelSelector::Requirement{std::move(name).value(), Op::kExists, {}};
            case Token::kEquals:
            case Token::kDoubleEquals:
            case Token::kNotEquals: {
                lexer_.next();
                auto single = value();
                if (!single.isOk()) {
                    return single.status();
                }
                return LabelSelector::Requirement{
                    std::move(name).value(),
                    op.kind == Token::kNotEquals ? Op::kNotEquals : Op::kEquals,
                    {std::move(single).value()}};
            }
            case Token::kIdentifier:
                if (op.text == "in" || op.text == "notin") {
                    lexer_.next();
                    auto set = valueSet();
                    if (!set.isOk()) {
                        return set.status();
                    }
                    return LabelSelector::Requirement{std::move(name).value(),
                                                      op.text == "in" ? Op::kIn : Op::kNotIn,
                                                      std::move(set).value()};
                }
                break;
            default:
                break;
        }
        return error(op, "one of =, ==, !=, in, notin, ',' or the end of the selector");
    }

    Result<std::vector<std::string>> valueSet() {
        auto open = lexer_.next();
        if (open.kind != Token::kOpen) {
            return error(open, "'('");
        }
        std::vector<std::string> values;
        while (true) {
            auto item = value();
            if (!item.isOk()) {
                return item.status();
            }
            values.push_back(std::move(item).value());
            auto token = lexer_.next();
            if (token.kind == Token::kClose) {
                break;
            }
            if (token.kind != Token::kComma) {
                return error(token, "',' or ')'");
            }
        }
        if (values.size() == 1 && values.front().empty()) {
            return Status::badRequest("invalid label selector \"" + std::string(text_) +
                                      "\": the set of values for 'in' and 'notin' cannot be empty");
        }
        std::sort(values.begin(), values.end());
        values.erase(std::unique(values.begin(), values.end()), values.end());
        return values;
    }

    std::string_view text_;
    Lexer lexer_;
};

}  // namespace

bool LabelSelector::Requirement::matches(const std::map<std::string, std::string>& labels) const {
    auto it = labels.find(key);
    bool present = it != labels.end();
    auto inValues = [&] {
        return std::find(values.begin(), values.end(), it->second) != values.end();
    };
    switch (op) {
        case Operator::kEquals:
        case Operator::kIn:
            return present && inValues();
        case Operator::kNotEquals:
        case Operator::kNotIn:
            return !present || !inValues();
        case Operator::kExists:
            return present;
        case Operator::kDoesNotExist:
            return !present;
    }
    return false;
}

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
    LabelSelector selector;
    auto parsed = Parser(text).parse(selector.requirements_);
    if (!parsed.isOk()) {
        return parsed.status();
    }
    return selector;
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
    return std::all_of(requirements_.begin(), requirements_.end(),
                       [&](const Requirement& requirement) { return requirement.matches(labels); });
}

}  // namespace kiod::catalog
