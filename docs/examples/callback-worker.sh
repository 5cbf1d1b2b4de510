#!/bin/sh
# A callback-mode compute: runs a command, heartbeating every 2 seconds, then reports to Ferry
# through FERRY_CALLBACK_URL: "complete" with the exit code and the last lines of output when the
# command succeeds, "fail" with the last line when it does not. The command is, in this order:
# the script's arguments, FERRY_COMMAND, or the run input's top-level "command" string
# (FERRY_INPUT, e.g. {"command": "make test"}), run with sh -c.
# When Ferry answers 409 (the run was cancelled), or on SIGTERM (the compute is being torn down),
# it stops the command; on a cancelled run it then reports "cancelled".
# Needs only sh, curl and the usual tools (awk, sed, tail, mktemp), so any image that has them
# can be a Ferry compute (no Temporal worker).
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

# The top-level "command" string of the JSON object on stdin, decoded; nothing when it has none.
command_from_input() {
  awk '
    function hex(s,   i, n) {
      n = 0
      for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
      return n
    }
    { text = text $0 }
    END {
      rest = text
      while ((i = index(rest, "\"command\"")) > 0) {
        rest = substr(rest, i + 9)
        if (match(rest, /^[ \t]*:[ \t]*"/)) { found = 1; break }
      }
      if (!found) exit
      rest = substr(rest, RLENGTH + 1)
      out = ""
      while (length(rest) > 0) {
        c = substr(rest, 1, 1)
        if (c == "\"") { printf "%s", out; exit }
        step = 1
        if (c == "\\") {
          e = substr(rest, 2, 1); step = 2
          if (e == "n") c = "\n"; else if (e == "t") c = "\t"; else if (e == "r") c = "\r"
          else if (e == "b") c = "\b"; else if (e == "f") c = "\f"
          else if (e == "u") { c = sprintf("%c", hex(substr(rest, 3, 4))); step = 6 }
          else c = e
        }
        out = out c
        rest = substr(rest, step + 1)
      }
    }'
}

if [ $# -eq 0 ]; then
  command=${FERRY_COMMAND:-$(printf '%s' "${FERRY_INPUT:-}" | command_from_input)}
  if [ -z "$command" ]; then
    post '{"action":"fail","message":"no command: give the run input a \"command\" string"}' >/dev/null
    echo "no command to run: no arguments, FERRY_COMMAND or input \"command\"" >&2
    exit 2
  fi
  set -- sh -c "$command"
fi

out=$(mktemp)
pid=
stop() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  post '{"action":"cancelled","message":"stopped on request"}' >/dev/null
  echo "the run was cancelled (ferry answered 409): stopped the command" >&2
  rm -f "$out"
  exit 0
}
on_term() {
  # Being torn down: find out whether the run was cancelled, and stop either way.
  code=$(post '{"action":"heartbeat","message":"stopping: SIGTERM"}')
  if [ "$code" = 409 ]; then
    stop
  fi
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  echo "stopped by SIGTERM (ferry answered $code)" >&2
  rm -f "$out"
  exit 143
}
trap on_term TERM
trap 'rm -f "$out"' EXIT

"$@" >"$out" 2>&1 &
pid=$!

while kill -0 "$pid" 2>/dev/null; do
  last=$(tail -n 1 "$out" | json_string)
  code=$(post "{\"action\":\"heartbeat\",\"message\":$last}")
  if [ "$code" = 409 ]; then
    stop
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
