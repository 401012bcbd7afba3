#include "http/error_response.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <optional>
#include <string>
#include <vector>

namespace accountsd::http {
namespace {

// The value of header `name` in `response`, or nullopt; fails the test if it appears twice.
std::optional<std::string> header(const Response& response, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& [key, value] : response.headers) {
    if (key != name) continue;
    EXPECT_FALSE(found.has_value()) << "header " << name << " sent twice";
    found = value;
  }
  return found;
}

boost::json::object body_of(const Response& response) {
  return boost::json::parse(response.body).as_object();
}

boost::json::array strings(std::initializer_list<std::string_view> items) {
  boost::json::array out;
  for (auto item : items) out.emplace_back(item);
  return out;
}

TEST(StatusOf, MapsEveryKindToItsStatus) {
  EXPECT_EQ(status_of(ErrorKind::bad_request), 400);
  EXPECT_EQ(status_of(ErrorKind::unauthorized), 401);
  EXPECT_EQ(status_of(ErrorKind::payment_required), 402);
  EXPECT_EQ(status_of(ErrorKind::forbidden), 403);
  EXPECT_EQ(status_of(ErrorKind::not_found), 404);
  EXPECT_EQ(status_of(ErrorKind::method_not_allowed), 405);
  EXPECT_EQ(status_of(ErrorKind::conflict), 409);
  EXPECT_EQ(status_of(ErrorKind::payload_too_large), 413);
  EXPECT_EQ(status_of(ErrorKind::unprocessable), 422);
  EXPECT_EQ(status_of(ErrorKind::header_too_large), 431);
  EXPECT_EQ(status_of(ErrorKind::too_many_requests), 429);
  EXPECT_EQ(status_of(ErrorKind::internal), 500);
  EXPECT_EQ(status_of(ErrorKind::unconfirmed), 500);
  EXPECT_EQ(status_of(ErrorKind::unavailable), 503);
}

TEST(ErrorResponse, EveryErrorIsJsonWithAReason) {
  for (auto kind :
       {ErrorKind::bad_request, ErrorKind::unauthorized, ErrorKind::payment_required,
        ErrorKind::forbidden, ErrorKind::not_found, ErrorKind::method_not_allowed,
        ErrorKind::conflict, ErrorKind::payload_too_large, ErrorKind::unprocessable,
        ErrorKind::header_too_large, ErrorKind::too_many_requests, ErrorKind::unavailable}) {
    auto response = error_response(Error(kind, "something happened"), "req-1");
    EXPECT_EQ(response.status, status_of(kind));
    EXPECT_EQ(header(response, "Content-Type"), "application/json; charset=utf-8");
    auto body = body_of(response);
    ASSERT_TRUE(body.contains("reason"));
    EXPECT_EQ(body.at("reason"), boost::json::value("something happened"));
    // The request id belongs to 500s only.
    EXPECT_FALSE(body.contains("request_id"));
  }
}

TEST(ErrorResponse, BadRequestListsInvalidFields) {
  auto response = error_response(
      bad_request("expiration_month must be an integer from 1 to 12; city is required",
                  {"expiration_month", "city"}),
      "req-1");
  EXPECT_EQ(response.status, 400);
  auto body = body_of(response);
  EXPECT_EQ(
      body.at("reason"),
      boost::json::value("expiration_month must be an integer from 1 to 12; city is required"));
  EXPECT_EQ(body.at("invalid"), boost::json::value(strings({"expiration_month", "city"})));
  EXPECT_EQ(body.size(), 2U);
}

TEST(ErrorResponse, BadRequestWithoutFieldsStillHasAnInvalidArray) {
  auto body = body_of(error_response(bad_request("body is not valid JSON"), "req-1"));
  ASSERT_TRUE(body.contains("invalid"));
  EXPECT_TRUE(body.at("invalid").is_array());
  EXPECT_TRUE(body.at("invalid").as_array().empty());
}

TEST(ErrorResponse, ConflictListsConflictingFields) {
  auto response = error_response(conflict("name already taken", {"name"}), "req-1");
  EXPECT_EQ(response.status, 409);
  auto body = body_of(response);
  EXPECT_EQ(body.at("reason"), boost::json::value("name already taken"));
  EXPECT_EQ(body.at("conflicts"), boost::json::value(strings({"name"})));
  EXPECT_FALSE(body.contains("code"));
}

TEST(ErrorResponse, CardRejectionHasCodeAndReasonOnly) {
  Error error = conflict("Do Not Honor");
  error.code = "05";
  auto response = error_response(error, "req-1");
  EXPECT_EQ(response.status, 409);
  auto body = body_of(response);
  EXPECT_EQ(body.at("code"), boost::json::value("05"));
  EXPECT_EQ(body.at("reason"), boost::json::value("Do Not Honor"));
  EXPECT_FALSE(body.contains("conflicts"));
  EXPECT_EQ(body.size(), 2U);
}

TEST(ErrorResponse, UnauthorizedAsksForBasicCredentials) {
  auto response = error_response(Error(ErrorKind::unauthorized, "authentication required"), "r");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(header(response, "WWW-Authenticate"), "Basic realm=\"accounts\"");
}

TEST(ErrorResponse, OnlyUnauthorizedAsksForCredentials) {
  for (auto kind : {ErrorKind::bad_request, ErrorKind::forbidden, ErrorKind::too_many_requests}) {
    auto response = error_response(Error(kind, "x"), "r");
    EXPECT_FALSE(header(response, "WWW-Authenticate").has_value());
  }
}

TEST(ErrorResponse, TooManyRequestsSendsRetryAfter) {
  Error error(ErrorKind::too_many_requests, "too many failed logins");
  error.retry_after = 217;
  auto response = error_response(error, "r");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(header(response, "Retry-After"), "217");
  EXPECT_TRUE(body_of(response).at("reason").is_string());
}

TEST(ErrorResponse, MethodNotAllowedSendsAllow) {
  Error error(ErrorKind::method_not_allowed, "DELETE is not allowed here");
  error.allow = {"GET", "POST"};
  auto response = error_response(error, "r");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(header(response, "Allow"), "GET, POST");
}

TEST(ErrorResponse, InternalErrorHasRequestIdAndAGenericReason) {
  auto response = error_response(Error(ErrorKind::internal, "internal error"), "abc-123");
  EXPECT_EQ(response.status, 500);
  auto body = body_of(response);
  EXPECT_EQ(body.at("reason"), boost::json::value("internal error"));
  EXPECT_EQ(body.at("request_id"), boost::json::value("abc-123"));
  EXPECT_EQ(body.size(), 2U);
}

TEST(ErrorResponse, InternalErrorNeverShowsItsCause) {
  // The cause is for the log (with the same request id), never for the client.
  auto response = error_response(
      Error(ErrorKind::internal, "step: disk I/O error in /var/lib/accountsd/accounts.db"), "id-9");
  EXPECT_EQ(response.status, 500);
  auto body = body_of(response);
  EXPECT_EQ(body.at("reason"), boost::json::value("internal error"));
  EXPECT_EQ(body.at("request_id"), boost::json::value("id-9"));
  EXPECT_EQ(response.body.find("disk"), std::string::npos);
}

// A change committed but not confirmed on disk (group commit): the client learns why.
TEST(ErrorResponse, AnUnconfirmedChangeTellsItsReasonAndTheRequestId) {
  auto response = error_response(
      Error(ErrorKind::unconfirmed, "the change could not be confirmed on disk"), "id-7");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body,
            R"({"reason":"the change could not be confirmed on disk","request_id":"id-7"})");
}

}  // namespace
}  // namespace accountsd::http
