// SPDX-License-Identifier: MIT
#include "record.hpp"

#include <iterator>

#include <fmt/format.h>

#include "json_writer.hpp"

namespace trailsift::generator {
namespace {

void write_session_attributes(JsonWriter& j, const Actor& a) {
  j.begin_object("attributes").time("creationDate", a.session_created);
  j.str("mfaAuthenticated", a.mfa ? "true" : "false").end_object();
}

void write_identity(JsonWriter& j, const Record& r) {
  const Actor& a = r.actor;
  const Account& acct = *r.account;
  j.begin_object("userIdentity");
  switch (a.type) {
    case IdentityType::kIamUser: {
      const Principal& u = *a.principal;
      j.str("type", "IAMUser").str("principalId", u.principal_id).str("arn", u.arn);
      j.str("accountId", acct.id);
      if (a.has_access_key) j.str("accessKeyId", a.access_key);
      j.str("userName", u.name);
      if (a.console) {
        j.begin_object("sessionContext")
            .empty_object("sessionIssuer")
            .empty_object("webIdFederationData");
        write_session_attributes(j, a);
        j.end_object();
      }
      break;
    }
    case IdentityType::kAssumedRole: {
      const Principal& s = *a.principal;
      const Role& role = *a.role;
      j.str("type", "AssumedRole").str("principalId", s.principal_id).str("arn", s.arn);
      j.str("accountId", acct.id);
      if (a.has_access_key) j.str("accessKeyId", a.access_key);
      j.begin_object("sessionContext").begin_object("sessionIssuer");
      j.str("type", "Role").str("principalId", role.principal_id).str("arn", role.arn);
      j.str("accountId", acct.id).str("userName", role.name).end_object();
      j.empty_object("webIdFederationData");
      write_session_attributes(j, a);
      if (role.kind == RoleKind::kEc2) j.str("ec2RoleDelivery", "2.0");
      j.end_object();
      break;
    }
    case IdentityType::kRoot:
      j.str("type", "Root").str("principalId", acct.id).str("arn", acct.root_arn);
      j.str("accountId", acct.id);
      if (a.has_access_key) j.str("accessKeyId", a.access_key);
      if (a.console) {
        j.begin_object("sessionContext")
            .empty_object("sessionIssuer")
            .empty_object("webIdFederationData");
        write_session_attributes(j, a);
        j.end_object();
      }
      break;
    case IdentityType::kFederatedUser: {
      const Principal& issuer = *a.issuer;
      j.str("type", "FederatedUser");
      j.key("principalId").string(fmt::format("{}:{}", acct.id, a.federated_name));
      j.key("arn").string(
          fmt::format("arn:aws:sts::{}:federated-user/{}", acct.id, a.federated_name));
      j.str("accountId", acct.id).str("accessKeyId", a.access_key);
      j.begin_object("sessionContext").begin_object("sessionIssuer");
      j.str("type", "IAMUser").str("principalId", issuer.principal_id).str("arn", issuer.arn);
      j.str("accountId", acct.id).str("userName", issuer.name).end_object();
      j.empty_object("webIdFederationData");
      write_session_attributes(j, a);
      j.end_object();
      break;
    }
    case IdentityType::kAwsService: j.str("type", "AWSService"); break;
    case IdentityType::kNone: j.str("accountId", acct.id); break;
  }
  if (!a.invoked_by.empty()) j.str("invokedBy", a.invoked_by);
  j.end_object();
}
}  // namespace

void write_record(std::string& out, const Record& r, Rng& rng) {
  const EventSpec& spec = spec_of(r.ev);
  const bool data = (spec.flags & kData) != 0;
  JsonWriter j(out);
  j.begin_object();
  j.str("eventVersion", r.event_version);
  write_identity(j, r);
  j.time("eventTime", r.time);
  j.str("eventSource", spec.source).str("eventName", spec.name).str("awsRegion", r.region);
  j.str("sourceIPAddress", r.actor.source_ip);
  if (r.actor.bracket_agent) {
    j.custom("userAgent", [&r](std::string& o) {
      o += '[';
      o += r.actor.user_agent;
      o += ']';
    });
  } else {
    j.str("userAgent", r.actor.user_agent);
  }
  if (r.error != Err::kNone) j.str("errorCode", kErrorCodes[static_cast<std::size_t>(r.error)]);
  if (!r.error_message.empty()) j.str("errorMessage", r.error_message);
  j.raw("requestParameters", r.request_parameters.empty() ? "null" : r.request_parameters);
  j.raw("responseElements", r.response_elements.empty() ? "null" : r.response_elements);
  if (!r.additional_event_data.empty()) j.raw("additionalEventData", r.additional_event_data);
  const auto uuid = [&rng](std::string& o) { append_uuid(o, rng); };
  if (r.request_id == RequestIdStyle::kUuid) {
    j.custom("requestID", uuid);
  } else if (r.request_id == RequestIdStyle::kS3) {
    j.custom("requestID", [&rng](std::string& o) { append_random(o, rng, kUpperAlnum, 16); });
  }
  j.custom("eventID", uuid);
  if (r.has_read_only) j.boolean("readOnly", r.read_only);
  if (!r.resources.empty()) j.raw("resources", r.resources);
  j.str("eventType", r.event_type).boolean("managementEvent", !data);
  j.str("recipientAccountId", r.account->id);
  if (r.shared_event_id) j.custom("sharedEventID", uuid);
  if (!r.service_event_details.empty()) j.raw("serviceEventDetails", r.service_event_details);
  if (!r.vpc_endpoint.empty()) j.str("vpcEndpointId", r.vpc_endpoint);
  j.str("eventCategory", data ? "Data" : "Management");
  if (r.tls) {
    const TlsSuite& suite = kTlsSuites[r.tls_suite];
    j.begin_object("tlsDetails").str("tlsVersion", suite.version).str("cipherSuite", suite.cipher);
    if (r.tls_host.empty()) {
      const bool global_host = spec.service == "iam" || spec.service == "organizations";
      j.key("clientProvidedHostHeader")
          .string(global_host ? fmt::format("{}.amazonaws.com", spec.service)
                              : fmt::format("{}.{}.amazonaws.com", spec.service, r.region));
    } else {
      j.str("clientProvidedHostHeader", r.tls_host);
    }
    j.end_object();
  }
  if (r.actor.console) j.str("sessionCredentialFromConsole", "true");
  j.end_object();
}

}  // namespace trailsift::generator
