# For burst $b of the summary ($burst), the insight of matched records (the input, from
# match_bursts.jq, one per line) that finds it: of the burst's type (a call-rate insight for a
# rate burst, an error-rate one of its code for an error storm), with how many minutes its
# start and end are off the burst's. Nothing when none does.
def minutes: sub("Z$"; "") | strptime("%Y-%m-%dT%H:%M:%S") | mktime / 60;
select(.burst == $b
       and .type == (if $burst.kind == "error" then "ApiErrorRateInsight" else "ApiCallRateInsight" end)
       and (.code // "") == ($burst.error_code // ""))
| . + {start_off: (.from - ($burst.start | minutes)), end_off: (.to - ($burst.end | minutes))}
