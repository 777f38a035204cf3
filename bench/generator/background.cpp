// SPDX-License-Identifier: MIT
#include "background.hpp"

#include "actors.hpp"
#include "failures.hpp"

namespace trailsift::generator {

EventTables build_tables(bool story_mode) {
  EventTables t;
  for (std::size_t variant = 0; variant < 4; ++variant) {
    const bool us_east_1 = variant >= 2;
    const bool management = variant % 2 == 1;
    std::vector<std::uint32_t> weights;
    for (std::size_t i = 0; i < kEventCount; ++i) {
      const EventSpec& e = kEvents[i];
      if (e.principal_weight == 0) continue;
      if ((e.flags & kGlobal) && !us_east_1) continue;
      if ((e.flags & kManagementOnly) && !management) continue;
      if ((e.flags & kAlarming) && story_mode) continue;
      t.principal_events[variant].push_back(static_cast<Ev>(i));
      weights.push_back(e.principal_weight);
    }
    t.principal[variant] = WeightedTable(weights);
  }
  std::vector<std::uint32_t> service_weights, event_weights;
  for (std::size_t i = 0; i < kEventCount; ++i) {
    if (kEvents[i].service_weight > 0) {
      t.service_events.push_back(static_cast<Ev>(i));
      service_weights.push_back(kEvents[i].service_weight);
    }
    if (kEvents[i].service_event_weight > 0) {
      t.service_event_events.push_back(static_cast<Ev>(i));
      event_weights.push_back(kEvents[i].service_event_weight);
    }
  }
  t.service = WeightedTable(service_weights);
  t.service_event = WeightedTable(event_weights);
  t.identity =
      WeightedTable(std::vector<std::uint32_t>(kIdentityWeights.begin(), kIdentityWeights.end()));
  return t;
}

std::uint64_t usual_share_ppb(const EventTables& t, Ev ev, bool us_east_1, bool management) {
  // P(ev) = sum over identity types of P(type) x P(ev | the table that type draws from).
  const auto share = [ev](const std::vector<Ev>& events, std::uint32_t total,
                          std::uint32_t type_weight, auto weight_of) -> std::uint64_t {
    for (const Ev candidate : events) {
      if (candidate == ev) {
        return std::uint64_t{type_weight} * 1'000'000 * weight_of(spec_of(ev)) / total;
      }
    }
    return 0;
  };
  const std::size_t variant = (us_east_1 ? 2 : 0) + (management ? 1 : 0);
  const auto weight = [](IdentityType type) {
    return kIdentityWeights[static_cast<std::size_t>(type)];
  };
  const std::uint32_t principal_types =
      weight(IdentityType::kIamUser) + weight(IdentityType::kAssumedRole) +
      weight(IdentityType::kRoot) + weight(IdentityType::kFederatedUser);
  return share(t.principal_events[variant], t.principal[variant].total(), principal_types,
               [](const EventSpec& e) { return e.principal_weight; }) +
         share(t.service_events, t.service.total(), weight(IdentityType::kAwsService),
               [](const EventSpec& e) { return e.service_weight; }) +
         share(t.service_event_events, t.service_event.total(), weight(IdentityType::kNone),
               [](const EventSpec& e) { return e.service_event_weight; });
}

std::string_view event_version_for(std::string_view service) {
  return service == "s3" || service == "sts" || service == "signin" || service == "kms" ? "1.09"
                                                                                        : "1.08";
}

void generate_background(const Ctx& c, const EventTables& tables, Record& r) {
  Rng& rng = c.rng;
  const auto type = static_cast<IdentityType>(tables.identity.pick(rng));
  r.tls_suite = static_cast<std::uint8_t>(rng.below(static_cast<std::uint32_t>(kTlsSuites.size())));
  if (type == IdentityType::kAwsService) {
    r.ev = tables.service_events[tables.service.pick(rng)];
    r.read_only = (spec_of(r.ev).flags & kReadOnly) != 0;
    choose_service_actor(c, r);
  } else if (type == IdentityType::kNone) {
    r.ev = tables.service_event_events[tables.service_event.pick(rng)];
    choose_service_event_actor(c, r);
  } else {
    const std::size_t variant = (c.region_index == 0 ? 2 : 0) + (c.acct.management ? 1 : 0);
    r.ev = tables.principal_events[variant][tables.principal[variant].pick(rng)];
    r.read_only = (spec_of(r.ev).flags & kReadOnly) != 0;
    choose_principal_actor(c, r, type);
    if (r.ev == Ev::ConsoleLogin) {
      const bool success = !rng.per_mille(60);
      const bool mfa = type == IdentityType::kAssumedRole ? false : r.actor.mfa;
      console_login(c, r, success, mfa);
    } else {
      fill_body(c, r);
      maybe_fail(c, r);
    }
    set_vpc_endpoint(c, r);
  }
  r.event_version = event_version_for(spec_of(r.ev).service);
}

}  // namespace trailsift::generator
