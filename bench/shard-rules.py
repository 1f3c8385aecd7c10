#!/usr/bin/env python3
"""Writes N rules on the simulated account's 13 quotas (docs/benchmarks.md, "One shard: 10,000 rules").

Seeded, so the same N gives the same file: levels, thresholds and horizons vary, many rules share each quota.
Usage: python3 bench/shard-rules.py 10000 > rules-10000.json
"""
import json
import random
import sys

QUOTAS = [
    ("ec2", "L-1216C47A"), ("lambda", "L-B99A9384"), ("vpc", "L-F678F1CE"), ("elasticloadbalancing", "L-53DA6B97"),
    ("ec2", "L-0263D0A3"), ("rds", "L-7B6409FD"), ("dynamodb", "L-34F6A552"), ("ec2", "L-DB2E81BA"),
    ("vpc", "L-FE5A380F"), ("vpc", "L-A4707A72"), ("vpc", "L-E79EC296"), ("elasticloadbalancing", "L-69A177A2"),
    ("elasticloadbalancing", "L-E9E9831D"),
]
LEVELS = ["monitor_only", "alert_only", "auto_request", "auto_approve", "full_auto"]
HORIZONS = [1, 6, 24, 72, 168, 336]


def main() -> None:
    count = int(sys.argv[1])
    rng = random.Random(14)
    rules = []
    for i in range(count):
        service, code = QUOTAS[i % len(QUOTAS)]
        warning = rng.choice([50, 60, 70, 75])
        rules.append({
            "rule_id": f"r{i:05d}-{service}-{code}",
            "service_code": service, "quota_code": code, "region": "us-east-1",
            "automation_level": rng.choice(LEVELS),
            "threshold_warning": warning, "threshold_critical": warning + 15, "threshold_emergency": warning + 20,
            "forecast_horizon_hours": rng.choice(HORIZONS),
            "auto_increase_multiplier": rng.choice([1.25, 1.5, 2]),
        })
    json.dump(rules, sys.stdout, indent=None)


if __name__ == "__main__":
    main()
