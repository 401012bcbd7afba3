// C.3 GET/POST /partner/backup: the appliance's encrypted configuration backup, kept as sent.
// Bodies here run to 64 MiB, so the data string is copied as few times as the work allows
// (docs/operations.md, "Memory").
#include <boost/json/basic_parser_impl.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "domain/backup.hpp"
#include "domain/clock.hpp"

namespace accountsd::api {
namespace {

constexpr std::size_t kSha256HexLength = 64;

// A SAX handler that takes a backup upload apart without building a JSON tree: `data` is
// unescaped once, straight into its own buffer (a DOM parser would stage it on its stack and then
// copy it). Only the top-level object matters; check_json has refused duplicate keys, NUL and
// malformed JSON already.
class UploadReader : public IgnoreJsonEvents {
 public:
  explicit UploadReader(std::size_t body_size) : body_size_(body_size) {}

  bool object = false;                // the body is a JSON object
  std::vector<std::string> keys;      // its keys, in order
  std::optional<std::string> data;    // set when "data" is a string
  std::optional<std::string> sha256;  // set when "sha256" is a string; one character past 64 kept

  bool on_object_begin(boost::json::error_code&) {
    if (depth_ == 0) object = true;
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, boost::json::error_code&) {
    --depth_;
    return true;
  }
  bool on_array_begin(boost::json::error_code&) {
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, boost::json::error_code&) {
    --depth_;
    return true;
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (depth_ == 1) key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (depth_ != 1) return true;
    key_.append(s.data(), s.size());
    keys.push_back(std::move(key_));
    key_.clear();
    return true;
  }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    take(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    take(s);
    return true;
  }

 private:
  // A piece of a top-level string value: kept for "data" and "sha256", dropped otherwise.
  void take(boost::json::string_view s) {
    if (depth_ != 1 || keys.empty()) return;
    if (keys.back() == "data") {
      if (!data) {
        data.emplace();
        // Unescaped text is never longer than the body: one allocation, no regrowth.
        data->reserve(body_size_);
      }
      data->append(s.data(), s.size());
    } else if (keys.back() == "sha256") {
      if (!sha256) sha256.emplace();
      auto room = kSha256HexLength + 1 - std::min(sha256->size(), kSha256HexLength + 1);
      sha256->append(s.data(), std::min(room, s.size()));
    }
  }

  std::size_t body_size_;
  std::size_t depth_ = 0;
  std::string key_;
};

// Appends `text` to `out` as the inside of a JSON string literal.
void append_json_chars(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
}

// How many characters append_json_chars adds for `text`.
std::size_t json_chars_size(std::string_view text) {
  std::size_t size = text.size();
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '\n' || c == '\r') {
      size += 1;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      size += 5;
    }
  }
  return size;
}

}  // namespace

http::Response get_backup(Call& call) {
  auto backup = call.partners().backup(call.partner, domain::BackupGeneration::current);
  // The console tests the answer for truth at first login: no backup is null, not a 404.
  if (!backup) return http::json_response(200, boost::json::value(nullptr));
  // Written straight into the response: a boost::json value and its serialization would be two
  // more copies of the data (and grow the serializer's per-thread buffer for good).
  std::string body;
  body.reserve(json_chars_size(backup->data) + json_chars_size(backup->sha256) + 96);
  body += "{\"sha256\":\"";
  append_json_chars(body, backup->sha256);
  body += "\",\"data\":\"";
  append_json_chars(body, backup->data);
  body += "\",\"size\":" + std::to_string(backup->data.size());
  body += ",\"update_time\":" + std::to_string(backup->update_time) + "}";
  return http::raw_json_response(200, std::move(body));
}

// Takes the upload apart and checks it: a 400 for what the contract refuses, else the backup
// to store (its update_time not yet set).
domain::Backup read_backup(std::string text) {
  UploadReader upload(text.size());
  if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
    check_json(text);
    boost::json::basic_parser<UploadReader> parser(strict_json_options(), text.size());
    boost::json::error_code ec;
    parser.write_some(false, text.data(), text.size(), ec);
    if (ec) throw bad_request("body is not valid JSON: " + ec.message());
    upload = std::move(parser.handler());
    if (!upload.object) throw bad_request("body must be a JSON object");
  }
  // The data has its own copy now; the body need not wait for the request to end.
  std::string().swap(text);

  // Every field but data's text, for the one reader of fields and its wording.
  boost::json::object shape;
  for (const auto& key : upload.keys) shape[key] = nullptr;
  if (upload.sha256) shape["sha256"] = *upload.sha256;
  JsonParams params(shape);
  auto sha256 = params.string("sha256", {0, kSha256HexLength}, true);
  params.known("data");
  if (!shape.contains("data")) {
    params.problem("data", "data is required");
  } else if (!upload.data) {
    params.problem("data", "data must be a string of base64 text");
  } else if (!domain::is_base64_text(*upload.data)) {
    params.problem("data", "data must be standard base64 text (line breaks are allowed)");
  } else if (sha256 && domain::sha256_hex(*upload.data) != *sha256) {
    params.problem("sha256",
                   "sha256 must be the lowercase hex SHA-256 of data exactly as sent; it does "
                   "not match, so nothing was stored");
  }
  params.finish();
  return domain::Backup{std::move(*sha256), std::move(*upload.data), 0};
}

// A large body (over 1 MiB, one that holds a large-body place) is taken apart, checked and
// hashed as work for the worker pool (http::Deferred), and only the store's write runs on the
// connection's thread afterwards. At 64 MiB that work takes about half a second: on the I/O
// thread it held up every other connection of that thread, and as a write's first step it held
// the write batch's turn, so that every write of the server waited for it (docs/benchmarks.md).
// A 400 it finds is answered as the handler's own. The pool queues such work past --hash-queue
// (there are at most --max-large-bodies of them); a small body is read here, as before.
http::Response post_backup(Call& call) {
  auto store = [&partners = call.partners(), partner = call.partner](domain::Backup& backup) {
    backup.update_time = domain::now_seconds();
    partners.save_backup(partner, backup);
    boost::json::object body;
    body["sha256"] = backup.sha256;
    body["size"] = backup.data.size();
    body["update_time"] = backup.update_time;
    return http::json_response(200, body);
  };
  if (!call.request.holds_large_body) {
    auto backup = read_backup(std::move(call.request.body));
    return store(backup);
  }
  struct Upload {
    std::string body;
    domain::Backup backup;
  };
  auto upload = std::make_shared<Upload>();
  upload->body = std::move(call.request.body);
  http::Deferred deferred;
  deferred.work = [upload] { upload->backup = read_backup(std::move(upload->body)); };
  deferred.then = [upload, store] { return store(upload->backup); };
  return http::defer(std::move(deferred));
}

}  // namespace accountsd::api
