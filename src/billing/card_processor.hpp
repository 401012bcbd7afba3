// The card processor interface: asks a payment gateway whether to accept a card.
#pragma once

#include <chrono>
#include <string>

namespace accountsd::billing {

// What the processor needs to decide on a card; number is digits only. Never logged or stored.
struct CardDetails {
  std::string number;
  std::string security_code;
  int expiration_month = 0;
  int expiration_year = 0;
};

// The processor's answer: a Paymentech-style response code and text, and a token if approved.
struct CardDecision {
  bool approved = false;
  std::string code;
  std::string reason;
  std::string token;
};

// A payment gateway; `now` decides whether the card has expired.
class CardProcessor {
 public:
  virtual ~CardProcessor() = default;
  virtual CardDecision authorize(const CardDetails& card,
                                 std::chrono::system_clock::time_point now) = 0;
};

}  // namespace accountsd::billing
