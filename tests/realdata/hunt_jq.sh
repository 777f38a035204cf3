# Sourced by hunt_match_jq.sh, and used by hand to write the expected timelines of the golden
# cases tests/cli/hunt/realdata-* (see tests/cli/hunt/README.md). Requires jq_records.sh.
#
# The rules are SigmaHQ's AWS CloudTrail rules in ../shared/sigma. Each is translated here, by
# hand, into a jq predicate: what trailsift must detect is worked out by jq alone, never by
# trailsift. Sigma's meaning, as trailsift-hunt(1) states it: values compare whole and in any
# case, `contains`/`startswith` look inside, a path through an array looks at every element, a
# field absent or null matches no string, `field|contains: '*'` matches any value that is there.
# The `| count() > N` rules with `timeframe: T` count, per group, the events within T after each
# event (both ends included); a window that counts more than N is one detection and the next
# window starts after its last event.

# hunt_timeline_jq RECORDS SIGMA_DIR: the timeline `trailsift hunt -o tsv --rules SIGMA_DIR`
# prints for the records write_records wrote to RECORDS.
hunt_timeline_jq() {
  local records=$1 sigma=$2 rules="[" file title level
  # Titles and levels, from the rule files themselves, in the order hunt reads them.
  while IFS= read -r file; do
    title=$(sed -n 's/^title: //p' "$sigma/$file")
    level=$(sed -n 's/^level: //p' "$sigma/$file")
    [[ $rules == "[" ]] || rules+=","
    rules+=$(jq -cn --arg file "$file" --arg title "$title" --arg level "$level" \
      '{file: $file, title: $title, level: $level}')
  done < <(cd "$sigma" && find . -name '*.yml' | sed 's|^\./||' | LC_ALL=C sort)
  rules+="]"
  jq -n -r --argjson rules "$rules" "$jq_defs"'
    def text: if type == "string" then ascii_downcase else null end;
    def is($value): text == ($value | ascii_downcase);
    def src($value): .eventSource | is($value);
    def name_in($names): .eventName as $n | any($names[]; . as $v | $n | is($v));
    # Every value at a path, arrays searched element by element (trailsift-hunt(1)).
    def at($path):
      if type == "array" then .[] | at($path)
      elif ($path | length) == 0 then .
      elif type == "object" and has($path[0]) then .[$path[0]] | at($path[1:])
      else empty end;
    def contains_text($value): any(at([]); text != null and (text | contains($value | ascii_downcase)));
    def present: . != null;

    # Single-event rules.
    def detects($file):
      if $file == "aws_attached_malicious_lambda_layer.yml" then
        src("lambda.amazonaws.com") and (.eventName | text // "" | startswith("updatefunctionconfiguration"))
      elif $file == "aws_cloudtrail_disable_logging.yml" then
        src("cloudtrail.amazonaws.com") and name_in(["StopLogging", "UpdateTrail", "DeleteTrail"])
      elif $file == "aws_config_disable_recording.yml" then
        src("config.amazonaws.com") and name_in(["DeleteDeliveryChannel", "StopConfigurationRecorder"])
      elif $file == "aws_delete_identity.yml" then src("ses.amazonaws.com") and name_in(["DeleteIdentity"])
      elif $file == "aws_ec2_disable_encryption.yml" then
        src("ec2.amazonaws.com") and name_in(["DisableEbsEncryptionByDefault"])
      elif $file == "aws_ec2_startup_script_change.yml" then
        src("ec2.amazonaws.com") and (.requestParameters.attribute | is("userData"))
        and name_in(["ModifyInstanceAttribute"])
      elif $file == "aws_ec2_vm_export_failure.yml" then
        name_in(["CreateInstanceExportTask"]) and src("ec2.amazonaws.com")
        and ((.errorMessage | present) or (.errorCode | present)
             or (.responseElements | present and (tojson | ascii_downcase | contains("failure")))
            | not)
      elif $file == "aws_ecs_task_definition_cred_endpoint_query.yml" then
        src("ecs.amazonaws.com") and name_in(["DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask"])
        and ([.requestParameters | at(["containerDefinitions", "command"])]
             | any(text // "" | contains("$aws_container_credentials_relative_uri")))
      elif $file == "aws_efs_fileshare_modified_or_deleted.yml" then
        src("elasticfilesystem.amazonaws.com") and name_in(["DeleteFileSystem"])
      elif $file == "aws_efs_fileshare_mount_modified_or_deleted.yml" then
        src("elasticfilesystem.amazonaws.com") and name_in(["DeleteMountTarget"])
      elif $file == "aws_eks_cluster_created_or_deleted.yml" then
        src("eks.amazonaws.com") and name_in(["CreateCluster", "DeleteCluster"])
      elif $file == "aws_elasticache_security_group_created.yml" then
        src("elasticache.amazonaws.com") and name_in(["CreateCacheSecurityGroup"])
      elif $file == "aws_elasticache_security_group_modified_or_deleted.yml" then
        src("elasticache.amazonaws.com")
        and name_in(["DeleteCacheSecurityGroup", "AuthorizeCacheSecurityGroupIngress",
                     "RevokeCacheSecurityGroupIngress", "AuthorizeCacheSecurityGroupEgress",
                     "RevokeCacheSecurityGroupEgress"])
      # The filter looks at a top-level `type`, which CloudTrail records do not have.
      elif $file == "aws_enum_buckets.yml" then
        src("s3.amazonaws.com") and name_in(["ListBuckets"]) and (.type | is("AssumedRole") | not)
      elif $file == "aws_guardduty_disruption.yml" then
        src("guardduty.amazonaws.com") and name_in(["CreateIPSet"])
      # Without |fieldref, the filters compare with the field name written as text.
      elif $file == "aws_iam_backdoor_users_keys.yml" then
        src("iam.amazonaws.com") and name_in(["CreateAccessKey"])
        and (.userIdentity.arn | text // "" | contains("responseelements.accesskey.username") | not)
      elif $file == "aws_passed_role_to_glue_development_endpoint.yml" then
        src("glue.amazonaws.com") and name_in(["CreateDevEndpoint", "DeleteDevEndpoint", "UpdateDevEndpoint"])
      elif $file == "aws_rds_change_master_password.yml" then
        src("rds.amazonaws.com") and (.responseElements.pendingModifiedValues.masterUserPassword | present)
        and name_in(["ModifyDBInstance"])
      elif $file == "aws_rds_public_db_restore.yml" then
        src("rds.amazonaws.com") and (.responseElements.publiclyAccessible | tostring | is("true"))
        and name_in(["RestoreDBInstanceFromDBSnapshot"])
      elif $file == "aws_root_account_usage.yml" then
        (.userIdentity.type | is("Root")) and (.eventType | is("AwsServiceEvent") | not)
      elif $file == "aws_route_53_domain_transferred_lock_disabled.yml" then
        src("route53.amazonaws.com") and name_in(["DisableDomainTransferLock"])
      elif $file == "aws_route_53_domain_transferred_to_another_account.yml" then
        src("route53.amazonaws.com") and name_in(["TransferDomainToAnotherAwsAccount"])
      elif $file == "aws_s3_data_management_tampering.yml" then
        src("s3.amazonaws.com")
        and name_in(["PutBucketLogging", "PutBucketWebsite", "PutEncryptionConfiguration",
                     "PutLifecycleConfiguration", "PutReplicationConfiguration", "ReplicateObject",
                     "RestoreObject"])
      elif $file == "aws_securityhub_finding_evasion.yml" then
        src("securityhub.amazonaws.com")
        and name_in(["BatchUpdateFindings", "DeleteInsight", "UpdateFindings", "UpdateInsight"])
      elif $file == "aws_snapshot_backup_exfiltration.yml" then
        src("ec2.amazonaws.com") and name_in(["ModifySnapshotAttribute"])
      elif $file == "aws_sts_assumerole_misuse.yml" then
        (.userIdentity.type | is("AssumedRole")) and (.userIdentity.sessionContext.sessionIssuer.type | is("Role"))
      elif $file == "aws_sts_getsessiontoken_misuse.yml" then
        src("sts.amazonaws.com") and name_in(["GetSessionToken"]) and (.userIdentity.type | is("IAMUser"))
      elif $file == "aws_susp_saml_activity.yml" then
        (src("sts.amazonaws.com") and name_in(["AssumeRoleWithSAML"]))
        or (src("iam.amazonaws.com") and name_in(["UpdateSAMLProvider"]))
      elif $file == "aws_update_login_profile.yml" then
        src("iam.amazonaws.com") and name_in(["UpdateLoginProfile"])
        and (.userIdentity.arn | text // "" | contains("requestparameters.username") | not)
      # Two selections ANDed that no single event can meet (the timeframe needs an aggregation).
      elif $file == "unsupported/aws_ses_messaging_enabled.yml" then
        src("ses.amazonaws.com") and name_in(["UpdateAccountSendingEnabled"]) and name_in(["VerifyEmailIdentity"])
      else error("no jq translation of \($file)") end;

    # The `| count() > N` rules: the events counted, the timeframe, N, and the group-by field.
    def counts($file):
      if $file == "unsupported/aws_ec2_download_userdata.yml" then
        {span: 1800, more_than: 10, by: null,
         base: (src("ec2.amazonaws.com") and (.requestParameters.attribute | is("userData"))
                and name_in(["DescribeInstanceAttribute"]))}
      elif $file == "unsupported/aws_enum_backup.yml" then
        {span: 600, more_than: 5, by: null,
         base: (src("ec2.amazonaws.com")
                and name_in(["GetPasswordData", "GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId",
                             "GetBucketReplication", "DescribeVolumes", "DescribeVolumesModifications",
                             "DescribeSnapshotAttribute", "DescribeSnapshotTierStatus", "DescribeImages"]))}
      elif $file == "unsupported/aws_enum_listing.yml" then
        {span: 600, more_than: 50, by: null, base: (.eventName | text // "" | startswith("list"))}
      elif $file == "unsupported/aws_enum_network.yml" then
        {span: 600, more_than: 5, by: null,
         base: (src("ec2.amazonaws.com")
                and name_in(["DescribeCarrierGateways", "DescribeVpcEndpointConnectionNotifications",
                             "DescribeTransitGatewayMulticastDomains", "DescribeClientVpnRoutes",
                             "DescribeDhcpOptions", "GetTransitGatewayRouteTableAssociations"]))}
      elif $file == "unsupported/aws_enum_storage.yml" then
        {span: 600, more_than: 5, by: null,
         base: (src("s3.amazonaws.com")
                and name_in(["ListBuckets", "GetBucketCors", "GetBucketInventoryConfiguration",
                             "GetBucketPublicAccessBlock", "GetBucketMetricsConfiguration",
                             "GetBucketPolicy", "GetBucketTagging"]))}
      elif $file == "unsupported/aws_macic_evasion.yml" then
        {span: 600, more_than: 5, by: "sourceIPAddress",
         base: name_in(["ArchiveFindings", "CreateFindingsFilter", "DeleteMember",
                        "DisassociateFromMasterAccount", "DisassociateMember", "DisableMacie",
                        "DisableOrganizationAdminAccount", "UpdateFindingsFilter", "UpdateMacieSession",
                        "UpdateMemberSession", "UpdateClassificationJob"])}
      else null end;

    # `near` is not supported: trailsift reports the rule and does not run it.
    def fails($file): $file == "unsupported/aws_lambda_function_created_or_invoked.yml";

    # Windows over one group, sorted by time then input order: from each event, the events up
    # to $span later; more than $more_than of them make a detection, and the next window starts
    # after it.
    def windows($span; $more_than):
      . as $e | length as $n
      | foreach range(0; $n) as $i ({next: 0, out: null};
          if $i < .next then .out = null
          else ((first(range($i; $n) | select($e[.].t > $e[$i].t + $span)) // $n) - 1) as $j
            | if $j - $i + 1 > $more_than then .next = $j + 1 | .out = $e[$i:$j + 1] else .out = null end
          end;
          .out | select(. != null));

    def account: .recipientAccountId // .userIdentity.accountId // "";

    [inputs] as $records
    | ($records | to_entries) as $entries
    | [$rules[] | select(fails(.file) | not)] as $active
    | [ $active | to_entries[] | .key as $r | .value as $rule | counts($rule.file) as $count
        | if $count == null then
            $entries[] | .key as $i | .value | select(detects($rule.file))
            | {t: seconds, i: $i, r: $r,
               row: [.eventTime // "", $rule.level, $rule.title, username, .eventName // "",
                     .sourceIPAddress // "", .awsRegion // "", account, .eventID // ""]}
          else
            [$entries[] | .value as $record | .key as $i
             | select(($record | counts($rule.file).base) and ($record | seconds) != null)
             | {t: ($record | seconds), i: $i,
                group: (if $count.by then $record[$count.by] else null end)}]
            | group_by(.group)[] | sort_by(.t, .i) | windows($count.span; $count.more_than)
            | {t: .[0].t, i: .[0].i, r: $r,
               row: [(.[0].t | todateiso8601), $rule.level, $rule.title, "", "",
                     (if $count.by == "sourceIPAddress" then (.[0].group // "") else "" end), "", "",
                     "\(length) events"]}
          end ]
    | sort_by(.t, .i, .r)
    | (["time", "level", "rule", "user_name", "event_name", "source_ip", "region", "account",
        "event_id"] | @tsv),
      (.[] | .row | map(tostring) | @tsv)
  ' "$records"
}
