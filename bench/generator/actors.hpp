// SPDX-License-Identifier: MIT
// Who made a call: a principal of the organization (user, role session, root, federated user),
// an AWS service in its own name, or nobody (a service event).
#pragma once

#include "catalog.hpp"
#include "record.hpp"
#include "services.hpp"

namespace trailsift::generator {

/// Makes one of the account's principals of `type` the caller of `r`: identity, credentials,
/// source address and user agent.
void choose_principal_actor(const Ctx& c, Record& r, IdentityType type);

/// Makes an AWS service the caller of `r` (`{"type":"AWSService","invokedBy":...}`) and fills
/// the bodies.
void choose_service_actor(const Ctx& c, Record& r);

/// Makes `r` a service event (no caller: `{"accountId":...,"invokedBy":...}`) and fills the
/// bodies.
void choose_service_event_actor(const Ctx& c, Record& r);

/// Makes `p` (a user, or a session of `role`) the caller of `r` as a script would be: its first
/// access key, its usual address and client.
void act_as(const Ctx& c, Record& r, const Principal& p, const Role* role);

/// Calls from inside a VPC often reach the service through an interface endpoint.
void set_vpc_endpoint(const Ctx& c, Record& r);

}  // namespace trailsift::generator
