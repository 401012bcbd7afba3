#include <sodium.h>

#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/representations.hpp"
#include "domain/card.hpp"
#include "domain/clock.hpp"
#include "domain/country.hpp"

namespace accountsd::api {
namespace {

boost::json::object billing_json(domain::BillingMode mode, const domain::Billing& billing) {
  const auto* a = billing.address ? &*billing.address : nullptr;
  boost::json::array address;
  if (a)
    for (const auto& line : a->address) address.emplace_back(line);
  auto field = [&](std::string domain::BillingAddress::*member) {
    return a ? boost::json::value(a->*member) : boost::json::value(nullptr);
  };
  boost::json::object body;
  body["billing_mode"] = domain::to_string(mode);
  body["name"] = field(&domain::BillingAddress::name);
  body["address"] = std::move(address);
  body["city"] = field(&domain::BillingAddress::city);
  body["state"] = field(&domain::BillingAddress::state);
  body["postal_code"] = field(&domain::BillingAddress::postal_code);
  body["country"] = field(&domain::BillingAddress::country);
  if (billing.card) {
    body["card"] = {{"brand", billing.card->brand},
                    {"last4", billing.card->last4},
                    {"expiration_month", billing.card->expiration_month},
                    {"expiration_year", billing.card->expiration_year}};
  } else {
    body["card"] = nullptr;
  }
  body["updated_at"] = or_null(billing.updated_at);
  return body;
}

domain::BillingMode mode_of(Call& call) {
  auto partner = call.partners().find_partner(call.partner);
  if (!partner) throw Error(ErrorKind::unauthorized, "partner no longer exists");
  return partner->billing_mode;
}

constexpr const char* kCardFields[] = {"card_number", "security_code", "expiration_month",
                                       "expiration_year"};

void wipe(std::string& copy) noexcept {
  sodium_memzero(copy.data(), copy.size());
}

// Zeroes every copy of the card number and security code that this request holds and the
// handler can reach: the request body, the parsed JSON strings and the CardDetails. It does so
// when wipe() is called, as soon as the processor has answered, and again when it goes out of
// scope, so that a 400 or an exception leaves none behind either. What stays out of reach is
// listed in docs/operations.md ("Card data in memory").
class CardSecrets {
 public:
  CardSecrets(std::string& request_body, boost::json::object& body,
              std::optional<billing::CardDetails>& card)
      : request_body_(request_body), body_(body), card_(card) {}
  ~CardSecrets() { wipe(); }
  CardSecrets(const CardSecrets&) = delete;
  CardSecrets& operator=(const CardSecrets&) = delete;

  void wipe() noexcept {
    accountsd::api::wipe(request_body_);
    for (const char* field : {"card_number", "security_code"}) {
      auto* value = body_.if_contains(field);
      if (value && value->is_string())
        sodium_memzero(value->get_string().data(), value->get_string().size());
    }
    if (card_) {
      accountsd::api::wipe(card_->number);
      accountsd::api::wipe(card_->security_code);
    }
  }

 private:
  std::string& request_body_;
  boost::json::object& body_;
  std::optional<billing::CardDetails>& card_;
};

// Reads the card fields (prepaid mode); the number and code stay in this function's caller only,
// and the copies made on the way are wiped before it returns.
std::optional<billing::CardDetails> read_card(JsonParams& params) {
  auto number = params.string("card_number", {0, 64}, true);
  std::optional<std::string> digits;
  if (number) {
    digits = domain::normalize_card_number(*number);
    if (!digits)
      params.problem("card_number",
                     "card_number must be 12 to 19 digits (spaces and dashes are ignored)");
  }
  auto code = params.string("security_code", {0, 16}, true);
  if (code && !params.failed("security_code")) {
    auto brand = digits ? domain::card_brand(*digits) : std::nullopt;
    if (!domain::valid_security_code(*code, brand)) {
      params.problem("security_code", brand == domain::CardBrand::amex
                                          ? "security_code must be 4 digits for American Express"
                                      : brand ? "security_code must be 3 digits"
                                              : "security_code must be 3 or 4 digits");
    }
  }
  auto month = params.integer("expiration_month", {1, 12}, true);
  auto year = params.integer("expiration_year", {2000, 2099}, true);
  std::optional<billing::CardDetails> card;
  if (digits && code && month && year)
    card = billing::CardDetails{*digits, *code, int(*month), int(*year)};
  for (auto* copy : {&number, &digits, &code})
    if (*copy) wipe(**copy);
  return card;
}

}  // namespace

domain::BillingAddress read_billing(JsonParams& params, bool prepaid,
                                    std::optional<billing::CardDetails>& card) {
  auto name = params.string("name", {1, 200}, true);
  auto lines = params.string_list("address", {1, 4}, {1, 200}, true);
  auto city = params.string("city", {1, 100}, true);
  auto state = params.string("state", {1, 100}, true);
  auto postal_code = params.string("postal_code", {1, 20}, true);
  auto country_text = params.string("country", {0, 16}, true);
  std::optional<std::string> country;
  if (country_text) {
    country = domain::canonical_country(*country_text);
    if (!country)
      params.problem("country", "country must be an assigned ISO 3166-1 alpha-2 code, e.g. \"US\"");
  }
  if (prepaid) {
    card = read_card(params);
  } else {
    for (const char* field : kCardFields)
      params.refuse(field, std::string(field) + " is accepted only in prepaid billing mode");
  }
  params.finish();
  return {std::move(*name),  std::move(*lines),       std::move(*city),
          std::move(*state), std::move(*postal_code), std::move(*country)};
}

http::Response get_billing(Call& call) {
  return http::json_response(200,
                             billing_json(mode_of(call), call.partners().billing(call.partner)));
}

http::Response post_billing(Call& call) {
  auto mode = mode_of(call);
  boost::json::object body;
  std::optional<billing::CardDetails> card;
  CardSecrets secrets(call.request.body, body, card);
  body = parse_json_object(call.request.body);
  JsonParams params(body);
  domain::Billing billing;
  billing.address = read_billing(params, mode == domain::BillingMode::prepaid, card);
  if (card) {
    auto decision = call.services.cards.authorize(*card, std::chrono::system_clock::now());
    auto brand = domain::card_brand(card->number);
    if (decision.approved && brand) {
      billing.card =
          domain::StoredCard{std::string(domain::brand_name(*brand)), domain::last4(card->number),
                             card->expiration_month, card->expiration_year, decision.token};
    }
    // The processor has had the number and code: no copy of them is needed any more.
    secrets.wipe();
    if (!billing.card) {
      Error error(ErrorKind::conflict, decision.reason);
      error.code = decision.code;
      throw error;
    }
  }
  billing.updated_at = domain::now_seconds();
  call.partners().save_billing(call.partner, billing);
  return http::json_response(200, billing_json(mode, billing));
}

}  // namespace accountsd::api
