#include "ContinueToken.h"

#include <kiod/JsonDepth.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sstream>

namespace kiod::catalog {

namespace {

constexpr int kFormat = 1;
constexpr int kBase64Options = Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING;

}  // namespace

std::string ContinueToken::encode() const {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("v");
    writer.Int(kFormat);
    writer.Key("rv");
    writer.Uint64(revision);
    writer.Key("o");
    writer.Int(order == ListOptions::Order::kByName ? 0 : 1);
    writer.Key("ns");
    writer.String(ns.c_str(), static_cast<rapidjson::SizeType>(ns.size()));
    writer.Key("n");
    writer.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    writer.Key("id");
    writer.Int64(id);
    writer.EndObject();

    std::ostringstream out;
    Poco::Base64Encoder encoder(out, kBase64Options);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    encoder.close();
    return out.str();
}

Result<ContinueToken> ContinueToken::decode(const std::string& text) {
    auto bad = Status::badRequest("invalid continue token: list again from the start");
    // Read in pieces: the decoder's error on bad base64 then sets badbit
    // instead of unwinding through a string being built from stream
    // iterators, which LeakSanitizer reported as a leak under libFuzzer
    // (fuzz_continue_token).
    std::string json;
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in, kBase64Options);
    char piece[256];
    while (decoder.read(piece, sizeof piece) || decoder.gcount() > 0) {
        json.append(piece, static_cast<std::size_t>(decoder.gcount()));
    }
    if (decoder.bad()) {
        return bad;
    }
    if (jsonTooDeep(json)) {
        return bad;
    }
    rapidjson::Document document;
    document.Parse(json.c_str(), json.size());
    auto has = [&](const char* key, auto check) {
        auto it = document.FindMember(key);
        return it != document.MemberEnd() && check(it->value);
    };
    if (document.HasParseError() || !document.IsObject() ||
        !has("v", [](const auto& v) { return v.IsInt() && v.GetInt() == kFormat; }) ||
        !has("rv", [](const auto& v) { return v.IsUint64() && v.GetUint64() > 0; }) ||
        !has("o",
             [](const auto& v) { return v.IsInt() && (v.GetInt() == 0 || v.GetInt() == 1); }) ||
        !has("ns", [](const auto& v) { return v.IsString(); }) ||
        !has("n", [](const auto& v) { return v.IsString(); }) ||
        !has("id", [](const auto& v) { return v.IsInt64(); })) {
        return bad;
    }
    ContinueToken token;
    token.revision = document["rv"].GetUint64();
    token.order = document["o"].GetInt() == 0 ? ListOptions::Order::kByName
                                              : ListOptions::Order::kNewestFirst;
    token.ns = document["ns"].GetString();
    token.name = document["n"].GetString();
    token.id = document["id"].GetInt64();
    return token;
}

}  // namespace kiod::catalog
