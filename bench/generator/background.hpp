// SPDX-License-Identifier: MIT
// Background traffic: which event each record is, by whom, as the organization's everyday work.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "random.hpp"
#include "record.hpp"
#include "services.hpp"

namespace trailsift::generator {

/// Which events principals, AWS services and service events make, and how often.
struct EventTables {
  // Principal calls, indexed by (region is us-east-1) * 2 + (account is the management account).
  std::array<std::vector<Ev>, 4> principal_events;
  std::array<WeightedTable, 4> principal;
  std::vector<Ev> service_events;
  WeightedTable service;
  std::vector<Ev> service_event_events;
  WeightedTable service_event;
  WeightedTable identity;
};

/// The tables of what principals, services and service events do; `story_mode` leaves the
/// alarming events out.
EventTables build_tables(bool story_mode);

/// The expected share of `ev` among the records of an account and region, in parts per
/// billion: how often everyday traffic makes it.
std::uint64_t usual_share_ppb(const EventTables& tables, Ev ev, bool us_east_1, bool management);

/// The eventVersion a service's records carry.
std::string_view event_version_for(std::string_view service);

/// Fills `r` (time, account and region set) with one everyday event.
void generate_background(const Ctx& c, const EventTables& tables, Record& r);

}  // namespace trailsift::generator
