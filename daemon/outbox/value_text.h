#pragma once
// How a reading's value is stored in the outbox: as the exact JSON number text that will be
// published (docs/protocol.md, Numbers), so a resend carries the same bytes.

#include <string>

#include "daemon/base/result.h"

namespace sckd {

// A finite value as JSON number text with `decimals` digits after the point, trailing
// zeros (and a bare point) trimmed: 21.40 -> "21.4", 1795000000.00 -> "1795000000",
// -0.001 at 2 decimals -> "0". Never an exponent. NaN, infinities and values too large to
// be a measurement (|v| >= 1e15) are an error: a failed reading is left out, never sent.
Result<std::string> formatValue(double value, int decimals);

}  // namespace sckd
