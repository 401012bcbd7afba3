// The built-in sandbox processor, answering as Chase Paymentech Orbital would (spec A.3).
#pragma once

#include <chrono>

#include "billing/card_processor.hpp"

namespace accountsd::billing {

// Declines invalid numbers (14), expired cards (33) and the spec's test numbers with their
// codes, in that order; approves anything else with a random "sbx_" token. Requires that
// sodium_init() has been called.
class SandboxCardProcessor final : public CardProcessor {
 public:
  CardDecision authorize(const CardDetails& card,
                         std::chrono::system_clock::time_point now) override;
};

}  // namespace accountsd::billing
