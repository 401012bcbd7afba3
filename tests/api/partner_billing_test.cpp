// A.3 and A.4: POST /partner/billing (invoice and prepaid modes, card processing) and
// GET /partner/billing; card numbers and security codes are never stored, logged or echoed.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

namespace bj = boost::json;

std::string repeat(const std::string& unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

// The current month in UTC, as the sandbox processor judges expiry.
struct YearMonth {
  int year;
  int month;
};
YearMonth this_month() {
  const std::chrono::year_month_day today{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  return {int(today.year()), int(unsigned(today.month()))};
}
YearMonth previous_month() {
  auto now = this_month();
  return now.month == 1 ? YearMonth{now.year - 1, 12} : YearMonth{now.year, now.month - 1};
}
// A year in which every month is still in the future.
int future_year() {
  return this_month().year + 3;
}

// The spec's invoice example (A.3).
bj::object invoice_example() {
  return json(R"({"name": "Internet Widgets, Inc.", "address": ["123 Rue St."],
                  "city": "Hogtown", "state": "FL", "postal_code": "10101", "country": "US"})")
      .as_object();
}

// The spec's prepaid example with the given card.
bj::object prepaid_body(const std::string& number, const std::string& code, int month, int year) {
  auto body =
      json(R"({"name": "Acme Internet Services, Ltd.", "address": ["1 Speed Way", "Suite 103"],
                       "city": "Sitka", "state": "AL", "postal_code": "99099", "country": "US"})")
          .as_object();
  body["card_number"] = number;
  body["security_code"] = code;
  body["expiration_month"] = month;
  body["expiration_year"] = year;
  return body;
}

// Every string in `value`, keys included.
void collect_strings(const bj::value& value, std::vector<std::string>& out) {
  if (value.is_string()) out.emplace_back(value.get_string());
  if (value.is_array())
    for (const auto& item : value.get_array()) collect_strings(item, out);
  if (value.is_object()) {
    for (const auto& [key, item] : value.get_object()) {
      out.emplace_back(key);
      collect_strings(item, out);
    }
  }
}

// True when no string (or key) inside `value` contains `secret`, and no number equals it.
bool free_of(const bj::value& value, const std::string& secret) {
  std::vector<std::string> strings;
  collect_strings(value, strings);
  for (const auto& s : strings)
    if (s.find(secret) != std::string::npos) return false;
  std::vector<const bj::value*> stack{&value};
  while (!stack.empty()) {
    const auto* v = stack.back();
    stack.pop_back();
    if (v->is_int64() && std::to_string(v->get_int64()) == secret) return false;
    if (v->is_array())
      for (const auto& item : v->get_array()) stack.push_back(&item);
    if (v->is_object())
      for (const auto& entry : v->get_object()) stack.push_back(&entry.value());
  }
  return true;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void erase_all(std::string& haystack, const std::string& needle) {
  if (needle.empty()) return;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at))
    haystack.erase(at, needle.size());
}

class PartnerBillingTest : public ApiTest {
 protected:
  // Captures everything the server logs, at every level, to check that card data never appears.
  void SetUp() override {
    log_sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    spdlog::default_logger()->sinks().push_back(log_sink_);
    saved_level_ = spdlog::default_logger()->level();
    spdlog::default_logger()->set_level(spdlog::level::trace);
    ApiTest::SetUp();
  }
  void TearDown() override {
    ApiTest::TearDown();
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), log_sink_), sinks.end());
    spdlog::default_logger()->set_level(saved_level_);
  }
  std::string logged() {
    spdlog::default_logger()->flush();
    return log_.str();
  }

  void use_prepaid() {
    set_partner("alpha", [](domain::Partner& p) { p.billing_mode = domain::BillingMode::prepaid; });
  }

  Reply post_billing(const bj::value& body) {
    return post("/partner/billing", bj::serialize(body));
  }

  bj::value current() {
    auto reply = get("/partner/billing");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }

  // POSTs `body`, expects 200 with the billing record, and that GET shows the same record.
  bj::object expect_updated(const std::string& body,
                            const std::map<std::string, std::string>& headers = {}) {
    auto reply = request("POST", "/partner/billing", body, alpha, headers);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    if (!reply.json.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << reply.body;
      return {};
    }
    EXPECT_EQ(current(), reply.json);
    return reply.json.as_object();
  }
  bj::object expect_updated(const bj::value& body) { return expect_updated(bj::serialize(body)); }

  // POSTs `body`, expects 400 naming exactly `fields`, and that nothing changed.
  void expect_invalid(const std::string& body, std::set<std::string> fields) {
    auto before = current();
    auto reply = post("/partner/billing", body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    const auto& error = reply.json.as_object();
    ASSERT_TRUE(error.contains("reason")) << reply.body;
    EXPECT_TRUE(error.at("reason").is_string());
    ASSERT_TRUE(error.contains("invalid")) << reply.body;
    ASSERT_TRUE(error.at("invalid").is_array()) << reply.body;
    std::set<std::string> named;
    for (const auto& field : error.at("invalid").get_array()) {
      ASSERT_TRUE(field.is_string()) << reply.body;
      named.emplace(field.get_string());
    }
    EXPECT_EQ(named, fields) << reply.body;
    EXPECT_EQ(current(), before) << "a refused update changed the billing record";
  }
  void expect_invalid(const bj::value& body, std::set<std::string> fields) {
    expect_invalid(bj::serialize(body), std::move(fields));
  }
  // The invoice example with `key` set to `value` (the JSON text) must be refused, naming `key`.
  void expect_invoice_field_invalid(const std::string& key, const std::string& value) {
    SCOPED_TRACE(key + " = " + value);
    auto body = invoice_example();
    body[key] = json(value);
    expect_invalid(body, {key});
  }

  // POSTs a prepaid `body`, expects the card processor's 409 {code, reason} and no change.
  void expect_declined(const bj::object& body, const std::string& code, const std::string& reason) {
    SCOPED_TRACE(bj::serialize(body));
    auto before = current();
    auto reply = post_billing(body);
    EXPECT_EQ(reply.status, 409) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("code")) << reply.body;
    ASSERT_TRUE(reply.json.at("code").is_string()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("reason")) << reply.body;
    ASSERT_TRUE(reply.json.at("reason").is_string()) << reply.body;
    EXPECT_EQ(reply.json, bj::value({{"code", code}, {"reason", reason}}));
    std::string number(body.at("card_number").get_string());
    EXPECT_EQ(reply.body.find(number), std::string::npos) << "409 body echoes the card number";
    EXPECT_TRUE(free_of(reply.json, std::string(body.at("security_code").get_string())));
    EXPECT_EQ(current(), before) << "a declined card changed the billing record";
  }

  // A prepaid update with an accepted card; returns the record, checked against GET.
  bj::object expect_card_accepted(const std::string& number, const std::string& code,
                                  const std::string& brand, const std::string& last4,
                                  int month = 8) {
    SCOPED_TRACE(number);
    const int year = future_year();
    auto record = expect_updated(prepaid_body(number, code, month, year));
    EXPECT_EQ(record["billing_mode"], "prepaid");
    EXPECT_EQ(record["card"], bj::value({{"brand", brand},
                                         {"last4", last4},
                                         {"expiration_month", month},
                                         {"expiration_year", year}}));
    return record;
  }

 private:
  std::ostringstream log_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> log_sink_;
  spdlog::level::level_enum saved_level_ = spdlog::level::info;
};

TEST_F(PartnerBillingTest, BeforeAnyUpdateShowsNullFields) {
  auto reply = get("/partner/billing");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(reply.json.is_object());
  const auto& b = reply.json.as_object();
  EXPECT_EQ(b.size(), 9U) << reply.body;
  ASSERT_TRUE(b.contains("billing_mode"));
  EXPECT_EQ(b.at("billing_mode"), "invoice");
  for (const char* field :
       {"name", "city", "state", "postal_code", "country", "card", "updated_at"}) {
    ASSERT_TRUE(b.contains(field)) << field;
    EXPECT_TRUE(b.at(field).is_null()) << field << " in " << reply.body;
  }
  ASSERT_TRUE(b.contains("address"));
  ASSERT_TRUE(b.at("address").is_array());
  EXPECT_TRUE(b.at("address").get_array().empty());
}

TEST_F(PartnerBillingTest, BeforeAnyUpdatePrepaidShowsNullCard) {
  use_prepaid();
  auto b = current();
  EXPECT_EQ(b.at("billing_mode"), "prepaid");
  EXPECT_TRUE(b.at("card").is_null());
  EXPECT_TRUE(b.at("name").is_null());
  EXPECT_TRUE(b.at("updated_at").is_null());
}

TEST_F(PartnerBillingTest, InvoiceExampleIsStored) {
  const auto t0 = std::time(nullptr);
  auto record = expect_updated(R"({"name": "Internet Widgets, Inc.", "address": ["123 Rue St."],
      "city": "Hogtown", "state": "FL", "postal_code": "10101", "country": "US"})",
                               {{"Content-Type", "text/javascript"}});
  const auto t1 = std::time(nullptr);
  EXPECT_EQ(record["billing_mode"], "invoice");
  EXPECT_EQ(record["name"], "Internet Widgets, Inc.");
  EXPECT_EQ(record["address"], json(R"(["123 Rue St."])"));
  EXPECT_EQ(record["city"], "Hogtown");
  EXPECT_EQ(record["state"], "FL");
  EXPECT_EQ(record["postal_code"], "10101");
  EXPECT_EQ(record["country"], "US");
  EXPECT_TRUE(record["card"].is_null());
  ASSERT_TRUE(record["updated_at"].is_int64()) << bj::serialize(record);
  EXPECT_GE(record["updated_at"].get_int64(), t0);
  EXPECT_LE(record["updated_at"].get_int64(), t1);
  EXPECT_EQ(record.size(), 9U);
}

TEST_F(PartnerBillingTest, AcceptsTheBodyWithoutOrWithAnyContentType) {
  expect_updated(bj::serialize(invoice_example()));
  auto body = invoice_example();
  body["city"] = "Springfield";
  auto record = expect_updated(bj::serialize(body), {{"Content-Type", "application/json"}});
  EXPECT_EQ(record["city"], "Springfield");
  body["city"] = "Shelbyville";
  record = expect_updated(bj::serialize(body), {{"Content-Type", "text/plain"}});
  EXPECT_EQ(record["city"], "Shelbyville");
}

TEST_F(PartnerBillingTest, CountryIsStoredUpperCase) {
  auto body = invoice_example();
  body["country"] = "us";
  EXPECT_EQ(expect_updated(body)["country"], "US");
  body["country"] = "gB";
  EXPECT_EQ(expect_updated(body)["country"], "GB");
}

TEST_F(PartnerBillingTest, UpdateReplacesThePreviousRecord) {
  expect_updated(invoice_example());
  auto body = json(R"({"name": "Other", "address": ["1 A St.", "Floor 2", "Room 3", "Desk 4"],
                       "city": "Toronto", "state": "ON", "postal_code": "M5V 2T6",
                       "country": "ca"})");
  auto record = expect_updated(body);
  EXPECT_EQ(record["name"], "Other");
  EXPECT_EQ(record["address"], json(R"(["1 A St.", "Floor 2", "Room 3", "Desk 4"])"));
  EXPECT_EQ(record["postal_code"], "M5V 2T6");
  EXPECT_EQ(record["country"], "CA");
}

TEST_F(PartnerBillingTest, BillingIsPerPartner) {
  expect_updated(invoice_example());
  auto other = get_as(beta, "/partner/billing");
  ASSERT_EQ(other.status, 200);
  EXPECT_TRUE(other.json.at("name").is_null());
  EXPECT_TRUE(other.json.at("updated_at").is_null());
}

TEST_F(PartnerBillingTest, RefusedUpdateBeforeAnyUpdateLeavesNulls) {
  auto body = invoice_example();
  body["country"] = "XX";
  expect_invalid(body, {"country"});
  EXPECT_TRUE(current().at("name").is_null());
}

TEST_F(PartnerBillingTest, EachMissingRequiredFieldIsNamed) {
  expect_updated(invoice_example());
  for (const char* field : {"name", "address", "city", "state", "postal_code", "country"}) {
    SCOPED_TRACE(field);
    auto body = invoice_example();
    body.erase(field);
    expect_invalid(body, {field});
  }
}

TEST_F(PartnerBillingTest, EmptyBodyNamesEveryRequiredField) {
  expect_updated(invoice_example());
  const std::set<std::string> all = {"name", "address", "city", "state", "postal_code", "country"};
  expect_invalid(std::string(), all);
  expect_invalid(std::string("{}"), all);
}

TEST_F(PartnerBillingTest, BodyMustBeAnObject) {
  expect_updated(invoice_example());
  for (const char* body : {"[]", "\"text\"", "42", "null"}) {
    SCOPED_TRACE(body);
    auto before = current();
    auto reply = post("/partner/billing", body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
    EXPECT_TRUE(reply.json.at("invalid").is_array());
    EXPECT_EQ(current(), before);
  }
  auto reply = post("/partner/billing", R"({"name": "unterminated)");
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_TRUE(reply.json.at("reason").is_string());
}

TEST_F(PartnerBillingTest, RefusesWrongTypes) {
  expect_updated(invoice_example());
  for (const char* value : {"5", "null", "[\"Widgets\"]", "{}", "true"})
    expect_invoice_field_invalid("name", value);
  for (const char* value :
       {"\"123 Rue St.\"", "[1]", "[null]", "[[\"x\"]]", "{}", "null", "[\"ok\", 2]"})
    expect_invoice_field_invalid("address", value);
  for (const char* value : {"1", "null", "[\"Hogtown\"]"})
    expect_invoice_field_invalid("city", value);
  for (const char* value : {"false", "null", "12"}) expect_invoice_field_invalid("state", value);
  for (const char* value : {"10101", "null", "[\"10101\"]"})
    expect_invoice_field_invalid("postal_code", value);
  for (const char* value : {"5", "null", "[\"US\"]"})
    expect_invoice_field_invalid("country", value);
}

TEST_F(PartnerBillingTest, NameLength) {
  auto body = invoice_example();
  body["name"] = repeat("n", 200);
  EXPECT_EQ(expect_updated(body)["name"], bj::value(repeat("n", 200)));
  // Lengths count code points: 200 two-byte characters fit.
  body["name"] = repeat("\xC3\xA9", 200);
  EXPECT_EQ(expect_updated(body)["name"], bj::value(repeat("\xC3\xA9", 200)));
  expect_invoice_field_invalid("name", "\"" + repeat("n", 201) + "\"");
  expect_invoice_field_invalid("name", "\"" + repeat("\xC3\xA9", 201) + "\"");
  expect_invoice_field_invalid("name", "\"\"");
}

TEST_F(PartnerBillingTest, AddressLines) {
  auto body = invoice_example();
  body["address"] = json(R"(["1", "2", "3", "4"])");
  EXPECT_EQ(expect_updated(body)["address"], json(R"(["1", "2", "3", "4"])"));
  body["address"] = bj::array{bj::value(repeat("a", 200)), bj::value(repeat("\xE2\x82\xAC", 200))};
  EXPECT_EQ(expect_updated(body)["address"], body["address"]);
  expect_invoice_field_invalid("address", "[]");
  expect_invoice_field_invalid("address", R"(["1", "2", "3", "4", "5"])");
  expect_invoice_field_invalid("address", R"([""])");
  expect_invoice_field_invalid("address", R"(["1 Main St.", ""])");
  expect_invoice_field_invalid("address", "[\"ok\", \"" + repeat("a", 201) + "\"]");
}

TEST_F(PartnerBillingTest, CityStateAndPostalCodeLengths) {
  struct Bound {
    const char* field;
    std::size_t max;
  };
  for (auto [field, max] : {Bound{"city", 100}, Bound{"state", 100}, Bound{"postal_code", 20}}) {
    SCOPED_TRACE(field);
    auto body = invoice_example();
    body[field] = repeat("x", max);
    EXPECT_EQ(expect_updated(body)[field], bj::value(repeat("x", max)));
    body[field] = repeat("\xC3\xBC", max);
    EXPECT_EQ(expect_updated(body)[field], bj::value(repeat("\xC3\xBC", max)));
    body[field] = "y";
    EXPECT_EQ(expect_updated(body)[field], "y");
    expect_invoice_field_invalid(field, "\"" + repeat("x", max + 1) + "\"");
    expect_invoice_field_invalid(field, "\"\"");
  }
}

TEST_F(PartnerBillingTest, RefusesBadCountries) {
  expect_updated(invoice_example());
  for (const char* value : {"\"XX\"", "\"USA\"", "5", "\"\"", "\"U\"", "\"zz\"", "\"U S\""})
    expect_invoice_field_invalid("country", value);
}

TEST_F(PartnerBillingTest, SeveralBadFieldsAreAllListed) {
  expect_updated(invoice_example());
  auto body = invoice_example();
  body["name"] = "";
  body["address"] = bj::array();
  body["city"] = repeat("c", 101);
  body["country"] = "XX";
  expect_invalid(body, {"name", "address", "city", "country"});

  body = invoice_example();
  body.erase("state");
  body["postal_code"] = 10101;
  body["colour"] = "blue";
  expect_invalid(body, {"state", "postal_code", "colour"});
}

TEST_F(PartnerBillingTest, RefusesUnknownFields) {
  expect_updated(invoice_example());
  auto body = invoice_example();
  body["zip"] = "10101";
  expect_invalid(body, {"zip"});
  body = invoice_example();
  body["Name"] = "Widgets";
  expect_invalid(body, {"Name"});
  body = invoice_example();
  body["billing_mode"] = "prepaid";
  expect_invalid(body, {"billing_mode"});
  EXPECT_EQ(current().at("billing_mode"), "invoice");
}

TEST_F(PartnerBillingTest, RefusesDuplicateKeys) {
  expect_updated(invoice_example());
  expect_invalid(std::string(R"({"name": "Internet Widgets, Inc.", "address": ["123 Rue St."],
      "city": "Hogtown", "state": "FL", "postal_code": "10101", "country": "US",
      "name": "Someone Else"})"),
                 {"name"});
}

TEST_F(PartnerBillingTest, InvoiceModeRefusesCardFields) {
  expect_updated(invoice_example());
  const int year = future_year();
  auto card = prepaid_body("378282246310005", "1234", 8, year);
  for (const char* field :
       {"card_number", "security_code", "expiration_month", "expiration_year"}) {
    SCOPED_TRACE(field);
    auto body = invoice_example();
    body[field] = card.at(field);
    expect_invalid(body, {field});
  }
  expect_invalid(card, {"card_number", "security_code", "expiration_month", "expiration_year"});
  EXPECT_TRUE(current().at("card").is_null());
}

TEST_F(PartnerBillingTest, SpecPrepaidExampleIsExpired) {
  use_prepaid();
  expect_declined(prepaid_body("378282246310005", "1234", 8, 2016), "33", "Card is Expired");
  EXPECT_TRUE(current().at("updated_at").is_null());
  EXPECT_TRUE(current().at("card").is_null());
}

TEST_F(PartnerBillingTest, AcceptsAValidAmexAndKeepsOnlyWhatMayBeKept) {
  use_prepaid();
  const int year = future_year();
  const auto t0 = std::time(nullptr);
  auto reply = post_billing(prepaid_body("378282246310005", "7391", 8, year));
  const auto t1 = std::time(nullptr);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, current());
  const auto& record = reply.json.as_object();
  EXPECT_EQ(record.at("billing_mode"), "prepaid");
  EXPECT_EQ(record.at("name"), "Acme Internet Services, Ltd.");
  EXPECT_EQ(record.at("address"), json(R"(["1 Speed Way", "Suite 103"])"));
  EXPECT_EQ(record.at("city"), "Sitka");
  EXPECT_EQ(record.at("state"), "AL");
  EXPECT_EQ(record.at("postal_code"), "99099");
  EXPECT_EQ(record.at("country"), "US");
  EXPECT_EQ(record.at("card"), bj::value({{"brand", "amex"},
                                          {"last4", "0005"},
                                          {"expiration_month", 8},
                                          {"expiration_year", year}}));
  ASSERT_TRUE(record.at("updated_at").is_int64());
  EXPECT_GE(record.at("updated_at").get_int64(), t0);
  EXPECT_LE(record.at("updated_at").get_int64(), t1);
  EXPECT_EQ(record.size(), 9U);

  EXPECT_EQ(reply.body.find("378282246310005"), std::string::npos);
  EXPECT_TRUE(free_of(reply.json, "7391")) << reply.body;
  EXPECT_FALSE(record.contains("card_number"));
  EXPECT_FALSE(record.contains("security_code"));
}

TEST_F(PartnerBillingTest, SandboxRefusesInvalidNumbers) {
  use_prepaid();
  auto accepted = expect_card_accepted("378282246310005", "1234", "amex", "0005");
  const int year = future_year();
  // Fails the Luhn check (a visa prefix, last digit off by one).
  expect_declined(prepaid_body("4111111111111112", "123", 8, year), "14",
                  "Invalid Credit Card Number");
  expect_declined(prepaid_body("378282246310006", "1234", 8, year), "14",
                  "Invalid Credit Card Number");
  // Pass the Luhn check but match no brand's prefix.
  for (const char* number :
       {"9000000000000001", "5600000000000003", "2220000000000000", "2721000000000004"}) {
    expect_declined(prepaid_body(number, "123", 8, year), "14", "Invalid Credit Card Number");
  }
  EXPECT_EQ(current(), bj::value(accepted));
}

TEST_F(PartnerBillingTest, SandboxRefusesExpiredCards) {
  use_prepaid();
  auto accepted = expect_card_accepted("378282246310005", "1234", "amex", "0005");
  expect_declined(prepaid_body("4111111111111111", "123", 12, 2020), "33", "Card is Expired");
  const auto last = previous_month();
  expect_declined(prepaid_body("4111111111111111", "123", last.month, last.year), "33",
                  "Card is Expired");
  EXPECT_EQ(current(), bj::value(accepted));
}

TEST_F(PartnerBillingTest, CardExpiringThisMonthIsAccepted) {
  use_prepaid();
  const auto now = this_month();
  auto record = expect_updated(prepaid_body("4111111111111111", "123", now.month, now.year));
  EXPECT_EQ(record["card"], bj::value({{"brand", "visa"},
                                       {"last4", "1111"},
                                       {"expiration_month", now.month},
                                       {"expiration_year", now.year}}));
}

TEST_F(PartnerBillingTest, SandboxTestNumbers) {
  use_prepaid();
  auto accepted = expect_card_accepted("378282246310005", "1234", "amex", "0005");
  const int year = future_year();
  expect_declined(prepaid_body("4000000000000002", "123", 8, year), "05", "Do Not Honor");
  expect_declined(prepaid_body("4000000000000127", "123", 8, year), "04", "Pickup");
  expect_declined(prepaid_body("4000000000000069", "123", 8, year), "33", "Card is Expired");
  expect_declined(prepaid_body("4000000000000119", "123", 8, year), "06", "Other Error");
  EXPECT_EQ(current(), bj::value(accepted));
}

TEST_F(PartnerBillingTest, SandboxRowsApplyInOrder) {
  use_prepaid();
  // Number before expiry: an invalid number that has also expired is 14.
  expect_declined(prepaid_body("4111111111111112", "123", 8, 2016), "14",
                  "Invalid Credit Card Number");
  expect_declined(prepaid_body("9000000000000001", "123", 8, 2016), "14",
                  "Invalid Credit Card Number");
  // Expiry before the test numbers: an expired "Do Not Honor" card is 33.
  expect_declined(prepaid_body("4000000000000002", "123", 8, 2016), "33", "Card is Expired");
  expect_declined(prepaid_body("4000000000000127", "123", 8, 2016), "33", "Card is Expired");
  expect_declined(prepaid_body("4000000000000119", "123", 8, 2016), "33", "Card is Expired");
  EXPECT_TRUE(current().at("card").is_null());
  EXPECT_TRUE(current().at("updated_at").is_null());
}

TEST_F(PartnerBillingTest, SecurityCodeLengthDependsOnBrand) {
  use_prepaid();
  auto accepted = expect_card_accepted("378282246310005", "1234", "amex", "0005");
  const int year = future_year();
  expect_invalid(prepaid_body("378282246310005", "123", 8, year), {"security_code"});
  expect_invalid(prepaid_body("378282246310005", "12345", 8, year), {"security_code"});
  expect_invalid(prepaid_body("4111111111111111", "1234", 8, year), {"security_code"});
  expect_invalid(prepaid_body("4111111111111111", "12", 8, year), {"security_code"});
  expect_invalid(prepaid_body("5555555555554444", "1234", 8, year), {"security_code"});
  expect_invalid(prepaid_body("4111111111111111", "12a", 8, year), {"security_code"});
  expect_invalid(prepaid_body("4111111111111111", "", 8, year), {"security_code"});
  auto body = prepaid_body("4111111111111111", "123", 8, year);
  body["security_code"] = 123;
  expect_invalid(body, {"security_code"});
  // A wrong length is 400 even for a card the processor would decline.
  expect_invalid(prepaid_body("4000000000000002", "1234", 8, year), {"security_code"});
  EXPECT_EQ(current(), bj::value(accepted));
  // Error bodies never echo the code.
  auto reply = post_billing(prepaid_body("4111111111111111", "98765", 8, year));
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(free_of(reply.json, "98765")) << reply.body;
}

TEST_F(PartnerBillingTest, CardNumberSpacesAndDashesAreIgnored) {
  use_prepaid();
  expect_card_accepted("3782 822463 10005", "1234", "amex", "0005");
  expect_card_accepted("3782-822463-10005", "1234", "amex", "0005", 9);
  expect_card_accepted(" 4111 1111-1111 1111 ", "123", "visa", "1111", 10);
}

TEST_F(PartnerBillingTest, CardNumberLength) {
  use_prepaid();
  auto accepted = expect_card_accepted("378282246310005", "1234", "amex", "0005");
  const int year = future_year();
  expect_invalid(prepaid_body("40000000006", "123", 8, year), {"card_number"});
  expect_invalid(prepaid_body("40000000000000000002", "123", 8, year), {"card_number"});
  expect_invalid(prepaid_body("4111 1111 1111 111a", "123", 8, year), {"card_number"});
  expect_invalid(prepaid_body("", "123", 8, year), {"card_number"});
  expect_invalid(prepaid_body("4111.1111.1111.1111", "123", 8, year), {"card_number"});
  auto body = prepaid_body("4111111111111111", "123", 8, year);
  body["card_number"] = 4111111111111111;
  expect_invalid(body, {"card_number"});
  EXPECT_EQ(current(), bj::value(accepted));
  // 12 and 19 digits are within bounds.
  expect_card_accepted("400000000002", "123", "visa", "0002");
  expect_card_accepted("4000000000000000006", "123", "visa", "0006");
  // Error bodies never echo the number.
  auto reply = post_billing(prepaid_body("40000000000000000002", "123", 8, year));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body.find("40000000000000000002"), std::string::npos) << reply.body;
}

TEST_F(PartnerBillingTest, ExpirationMonthAndYearRules) {
  use_prepaid();
  auto accepted = expect_card_accepted("378282246310005", "1234", "amex", "0005");
  const int year = future_year();
  for (const char* month : {"0", "13", "-1", "\"8\"", "8.0", "8.5", "1e1", "null", "true"}) {
    SCOPED_TRACE(month);
    auto body = prepaid_body("378282246310005", "1234", 8, year);
    body["expiration_month"] = json(month);
    expect_invalid(body, {"expiration_month"});
  }
  const std::vector<std::string> years = {
      "1999", "2100", "31", "\"" + std::to_string(year) + "\"", std::to_string(year) + ".0",
      "null"};
  for (const auto& y : years) {
    SCOPED_TRACE(y);
    auto body = prepaid_body("378282246310005", "1234", 8, year);
    body["expiration_year"] = json(y);
    expect_invalid(body, {"expiration_year"});
  }
  EXPECT_EQ(current(), bj::value(accepted));
  expect_card_accepted("378282246310005", "1234", "amex", "0005", 1);
  expect_card_accepted("378282246310005", "1234", "amex", "0005", 12);
}

TEST_F(PartnerBillingTest, PrepaidModeRequiresCardFields) {
  use_prepaid();
  auto accepted = expect_card_accepted("378282246310005", "1234", "amex", "0005");
  const auto full = prepaid_body("378282246310005", "1234", 8, future_year());
  for (const char* field :
       {"card_number", "security_code", "expiration_month", "expiration_year"}) {
    SCOPED_TRACE(field);
    auto body = full;
    body.erase(field);
    expect_invalid(body, {field});
  }
  expect_invalid(invoice_example(),
                 {"card_number", "security_code", "expiration_month", "expiration_year"});
  // Address rules apply in prepaid mode too, listed together with card problems.
  auto body = full;
  body.erase("city");
  body["expiration_month"] = 13;
  expect_invalid(body, {"city", "expiration_month"});
  EXPECT_EQ(current(), bj::value(accepted));
}

TEST_F(PartnerBillingTest, BrandsByPrefix) {
  use_prepaid();
  expect_card_accepted("4111111111111111", "123", "visa", "1111");
  expect_card_accepted("5555555555554444", "123", "mastercard", "4444");
  expect_card_accepted("5100000000000008", "123", "mastercard", "0008");
  expect_card_accepted("2221000000000009", "123", "mastercard", "0009");
  expect_card_accepted("2223000048400011", "123", "mastercard", "0011");
  expect_card_accepted("2720000000000005", "123", "mastercard", "0005");
  expect_card_accepted("371449635398431", "1234", "amex", "8431");
  expect_card_accepted("340000000000009", "1234", "amex", "0009");
  expect_card_accepted("6011111111111117", "123", "discover", "1117");
  expect_card_accepted("6500000000000002", "123", "discover", "0002");
  expect_card_accepted("6440000000000005", "123", "discover", "0005");
  expect_card_accepted("6490000000000004", "123", "discover", "0004");
  expect_card_accepted("3530111333300000", "123", "jcb", "0000");
  expect_card_accepted("3528000000000007", "123", "jcb", "0007");
  expect_card_accepted("3589000000000003", "123", "jcb", "0003");
  expect_card_accepted("36227206271667", "123", "diners", "1667");
  expect_card_accepted("38000000000006", "123", "diners", "0006");
  expect_card_accepted("30000000000004", "123", "diners", "0004");
  expect_card_accepted("30569309025904", "123", "diners", "5904");
}

TEST_F(PartnerBillingTest, CardDataIsNeverStoredOrLogged) {
  use_prepaid();
  const int year = future_year();
  expect_declined(prepaid_body("4000000000000002", "846", 8, year), "05", "Do Not Honor");
  auto record = expect_card_accepted("378282246310005", "7391", "amex", "0005");

  const auto stored = partners().billing(alpha_id);
  ASSERT_TRUE(stored.card.has_value());
  const std::string token = stored.card->token;
  ASSERT_FALSE(token.empty());

  ACCOUNTSD_SQLITE_ONLY();
  std::string bytes = read_bytes(db_path());
  const auto wal = std::filesystem::path(db_path().string() + "-wal");
  if (std::filesystem::exists(wal)) bytes += read_bytes(wal);
  // The files read do hold the committed record: the processor's token is there.
  ASSERT_NE(bytes.find(token), std::string::npos) << "token not found in the database files";

  for (const std::string number : {"378282246310005", "37828224631", "4000000000000002"}) {
    EXPECT_EQ(bytes.find(number), std::string::npos) << number << " found in the database";
  }
  // Short codes could occur by chance inside random strings; take those out first.
  erase_all(bytes, token);
  for (const auto* login : {&alpha, &beta}) {
    auto credentials = partners().credentials(login->username);
    ASSERT_TRUE(credentials.has_value());
    erase_all(bytes, credentials->password_hash);
  }
  EXPECT_EQ(bytes.find("7391"), std::string::npos) << "security code found in the database";
  EXPECT_EQ(bytes.find("846"), std::string::npos) << "security code found in the database";

  const std::string log = logged();
  ASSERT_NE(log.find("/partner/billing"), std::string::npos) << "the log capture saw nothing";
  EXPECT_EQ(log.find("378282246310005"), std::string::npos) << log;
  EXPECT_EQ(log.find("4000000000000002"), std::string::npos) << log;
  EXPECT_EQ(log.find(token), std::string::npos) << log;
}

}  // namespace
}  // namespace accountsd::testing
