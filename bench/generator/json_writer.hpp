// SPDX-License-Identifier: MIT
// The generator writes its records with the core library's internal JSON writer, so that the
// escaping and the time format are the ones trailsift's own output uses.
#pragma once

#include "lib/json_writer.hpp"

namespace trailsift::generator {

using detail::JsonWriter;

}  // namespace trailsift::generator
