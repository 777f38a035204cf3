#!/usr/bin/env python3
"""The baseline for `trailsift hunt` in bench/run.sh: Sigma rules over a mirror in plain Python,
as an analyst without a Sigma engine would write it (PyYAML, json, gzip; one process).

    hunt_baseline.py RULES_DIR CORPUS_DIR

Prints, per rule that runs, `COUNT<TAB>TITLE`, sorted by title: the detections hunt must find
on the same files (one per event and rule, one per correlation window). It understands what
SigmaHQ's CloudTrail rules use: field values and lists, `contains`/`startswith`/`endswith`,
wildcards, null, keywords are not needed; conditions with and, or, not, parentheses and
`1 of`/`all of`; `| count() [by FIELD] > N` with `timeframe`, over windows that start at each
event and hold the events up to `timeframe` later (both ends included), the next window
starting after a detection. A rule it cannot read (the `near` operator) is left out, as hunt
leaves it out.
"""
import calendar
import fnmatch
import gzip
import json
import os
import re
import sys
import time

import yaml


def values_at(record, path):
    """Every value at a dotted path, arrays searched element by element."""
    if "." not in path:
        value = record.get(path)
        if not isinstance(value, list):
            return [] if path not in record else [value]
    found = [record]
    for part in path.split("."):
        next_found = []
        for value in found:
            stack = [value]
            while stack:
                item = stack.pop()
                if isinstance(item, list):
                    stack.extend(reversed(item))
                elif isinstance(item, dict) and part in item:
                    next_found.append(item[part])
        found = next_found
    leaves = []
    for value in found:
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            else:
                leaves.append(item)
    return leaves


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def field_matcher(key, wanted):
    field, *modifiers = key.split("|")
    wanted = wanted if isinstance(wanted, list) else [wanted]
    patterns = []
    for value in wanted:
        if value is None:
            patterns.append(None)
            continue
        text = as_text(value).lower()
        if "contains" in modifiers:
            text = "*" + text + "*"
        elif "startswith" in modifiers:
            text = text + "*"
        elif "endswith" in modifiers:
            text = "*" + text
        patterns.append(re.compile(fnmatch.translate(text)))

    def matches(record):
        leaves = values_at(record, field)
        for pattern in patterns:
            if pattern is None:
                if not leaves or any(leaf is None for leaf in leaves):
                    return True
            elif any(leaf is not None and pattern.match(as_text(leaf).lower()) for leaf in leaves):
                return True
        return False

    return matches


def search_matcher(search):
    maps = search if isinstance(search, list) else [search]
    compiled = [[field_matcher(key, value) for key, value in one.items()] for one in maps]
    return lambda record: any(all(test(record) for test in tests) for tests in compiled)


def condition_matcher(condition, searches):
    """The condition as a Python expression, searches evaluated only when and/or need them."""
    names = sorted(searches)
    tokens = re.findall(r"\(|\)|[^\s()]+", condition)
    out, i = [], 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("1", "all") and i + 1 < len(tokens) and tokens[i + 1] == "of":
            target = tokens[i + 2]
            chosen = [n for n in names if not n.startswith("_")] if target == "them" else \
                [n for n in names if fnmatch.fnmatchcase(n, target)]
            joiner = " or " if token == "1" else " and "
            out.append("(" + joiner.join(f"s({n!r})" for n in chosen) + ")")
            i += 3
            continue
        out.append(token if token in ("and", "or", "not", "(", ")") else f"s({token!r})")
        i += 1
    expression = compile(" ".join(out), "condition", "eval")
    compiled = {name: search_matcher(search) for name, search in searches.items()}
    return lambda record: eval(expression, {}, {"s": lambda name: compiled[name](record)})


def seconds(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def load_rules(rules_dir):
    rules = []
    for root, _, files in os.walk(rules_dir):
        for name in files:
            if not name.endswith((".yml", ".yaml")):
                continue
            with open(os.path.join(root, name)) as file:
                rule = yaml.safe_load(file)
            source = rule.get("logsource", {})
            if source.get("product") != "aws" or source.get("service") != "cloudtrail":
                continue
            detection = dict(rule["detection"])
            condition = detection.pop("condition")
            timeframe = detection.pop("timeframe", None)
            condition, _, aggregation = condition.partition("|")
            if "near" in aggregation:
                continue
            count = re.match(r"\s*count\(\)\s*(?:by\s+(\S+)\s*)?>\s*(\d+)\s*$", aggregation)
            span = None
            if timeframe:
                span = int(timeframe[:-1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[timeframe[-1]]
            rules.append({"title": rule["title"], "match": condition_matcher(condition, detection),
                          "count": count, "span": span, "events": []})
    return rules


def windows(times, span, more_than):
    detections, first = 0, 0
    while first < len(times):
        last = first
        while last + 1 < len(times) and times[last + 1] <= times[first] + span:
            last += 1
        if last - first + 1 > more_than:
            detections += 1
            first = last + 1
        else:
            first += 1
    return detections


def main():
    rules_dir, corpus = sys.argv[1], sys.argv[2]
    rules = load_rules(rules_dir)
    paths = sorted(os.path.join(root, name) for root, _, files in os.walk(corpus)
                   for name in files if name.endswith(".json.gz"))
    counts = {rule["title"]: 0 for rule in rules}
    for path in paths:
        with gzip.open(path, "rt") as file:
            records = json.load(file)["Records"]
        for record in records:
            for rule in rules:
                if rule["match"](record):
                    if rule["count"]:
                        group = as_text(values_at(record, rule["count"].group(1))) \
                            if rule["count"].group(1) else ""
                        rule["events"].append((group, seconds(record["eventTime"])))
                    else:
                        counts[rule["title"]] += 1
    for rule in rules:
        if rule["count"]:
            groups = {}
            for group, time in rule["events"]:
                groups.setdefault(group, []).append(time)
            more_than = int(rule["count"].group(2))
            span = rule["span"] if rule["span"] is not None else float("inf")
            counts[rule["title"]] = sum(windows(sorted(times), span, more_than)
                                        for times in groups.values())
    for title in sorted(counts):
        print(f"{counts[title]}\t{title}")


if __name__ == "__main__":
    main()
