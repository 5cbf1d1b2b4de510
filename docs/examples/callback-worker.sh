#!/bin/sh
# A callback-mode compute: runs "$@" (or FERRY_COMMAND), heartbeating every 2 seconds, then
# reports to Ferry through FERRY_CALLBACK_URL: "complete" with the exit code and the last lines
# of output when the command succeeds, "fail" with the last line when it does not.
# Needs only sh and curl, so any image that has them can be a Ferry compute (no Temporal worker).
set -u
: "${FERRY_CALLBACK_URL:?FERRY_CALLBACK_URL is not set: this runs as Ferry callback-mode compute}"

post() {
  curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data "$1" "$FERRY_CALLBACK_URL"
}

# JSON string from stdin: backslashes and quotes escaped, lines joined with \n.
json_string() {
  sed 's/\\/\\\\/g; s/"/\\"/g; s/	/\\t/g' | awk 'BEGIN { printf "\"" } { if (NR > 1) printf "\\n"; printf "%s", $0 } END { printf "\"" }'
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ $# -gt 0 ]; then
  "$@" >"$out" 2>&1 &
else
  sh -c "${FERRY_COMMAND:-echo hello from callback mode}" >"$out" 2>&1 &
fi
pid=$!

while kill -0 "$pid" 2>/dev/null; do
  last=$(tail -n 1 "$out" | json_string)
  code=$(post "{\"action\":\"heartbeat\",\"message\":$last}")
  if [ "$code" = 409 ]; then
    # The run was cancelled: stop the work and say so.
    kill "$pid" 2>/dev/null
    post '{"action":"cancelled","message":"stopped on request"}' >/dev/null
    exit 0
  fi
  sleep 2
done
wait "$pid"
status=$?

tail=$(tail -n 20 "$out" | json_string)
if [ "$status" -eq 0 ]; then
  code=$(post "{\"action\":\"complete\",\"result\":{\"exitCode\":0,\"tail\":$tail}}")
else
  last=$(tail -n 1 "$out" | json_string)
  code=$(post "{\"action\":\"fail\",\"message\":$last}")
fi
echo "ferry answered $code" >&2
[ "$code" = 200 ]
