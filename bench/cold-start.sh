#!/usr/bin/env bash
# Publishes the Lambda as for deployment, zips it, and measures cold start to first decision on a local moto_server
# (the handler's real AWS code path; moto answers in microseconds, so network time is excluded). Prints the figures for
# docs/benchmarks.md. Needs: dotnet, python3 with moto, zip.
set -euo pipefail
cd "$(dirname "$0")/.."
moto=""; work=$(mktemp -d); trap 'kill $moto 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish src/QuotaAutomation.Lambda -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=false -o "$work/lambda" >/dev/null
(cd "$work/lambda" && zip -qr "$work/lambda.zip" .)
echo "publish: $(du -sk "$work/lambda" | cut -f1) KiB unpacked, $(( $(stat -c %s "$work/lambda.zip") / 1024 )) KiB zipped"

dotnet build tests/QuotaAutomation.ColdStart -c Release -o "$work/cold" >/dev/null
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 & moto=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 QA_ENDPOINT_URL="http://127.0.0.1:$port"
dotnet run --project src/QuotaAutomation.Cli -c Release -- --backend aws --endpoint-url "$QA_ENDPOINT_URL" --region us-east-1 init >/dev/null
printf -- '- rule_id: vpcs\n  service_code: vpc\n  quota_code: L-F678F1CE\n  region: us-east-1\n  automation_level: alert_only\n' > "$work/rules.yaml"
dotnet run --project src/QuotaAutomation.Cli -c Release -- --backend aws --endpoint-url "$QA_ENDPOINT_URL" --region us-east-1 rules import "$work/rules.yaml" >/dev/null
export QA_RULES_TABLE=quota-automation-rules QA_USAGE_TABLE=quota-automation-usage QA_AUDIT_TABLE=quota-automation-audit \
  QA_STATE_TABLE=quota-automation-state QA_EVENTS_TABLE=quota-automation-events QA_TIME_BUDGET_SECONDS=240 \
  QA_ALERT_TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:quota-alerts
for forecaster in trend model; do export QA_FORECASTER=$forecaster; echo "QA_FORECASTER=$forecaster"
for run in 1 2 3 4 5; do
  start=$(date +%s%N)
  figures=$(dotnet "$work/cold/QuotaAutomation.ColdStart.dll" 2>/dev/null | grep first_invocation)
  echo "run $run: process start to exit $(( ($(date +%s%N) - start) / 1000000 )) ms; $figures"
done
done
