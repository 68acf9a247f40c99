#!/usr/bin/env bash
# Serves the assistant: the action server, then the Rasa server (every channel of
# credentials.yml and the HTTP API) with the given model, and the agent console
# (CONSOLE_HOST, 127.0.0.1 unless set; CONSOLE_PORT). Ctrl-C stops all three.
# Without RASA_TOKEN both listen on loopback only; the action server stays on
# loopback unless ACTION_HOST says otherwise (it has no authentication).
# Both log to .run/; start-up shows progress, then the banner is the last thing printed,
# and from then on only warnings and errors of either server follow it here.
set -euo pipefail
model="$1"
py="$PWD/.venv/bin/python"
rasa=("$py" -m tools.rasa_quiet)  # rasa, without the dependencies' deprecation notices
mkdir -p .run

base="http://localhost:$RASA_PORT"
if [ -n "${RASA_TOKEN:-}" ]; then
  interface="${RASA_INTERFACE:-0.0.0.0}"
  auth=(--auth-token "$RASA_TOKEN")
  access="RASA_TOKEN is set: REST needs 'Authorization: Bearer \$RASA_TOKEN', Rasa's HTTP API '?token=\$RASA_TOKEN'; listening on $interface"
  rest_auth=(-H "Authorization: Bearer \$RASA_TOKEN")
else
  interface=127.0.0.1
  auth=()
  access="RASA_TOKEN is not set: the Rasa server and the action server listen on 127.0.0.1 only"
  rest_auth=()
fi

"${rasa[@]}" run actions --port "$ACTION_PORT" --actions actions > .run/actions.log 2>&1 &
actions_pid=$!
"${rasa[@]}" run --enable-api -i "$interface" "${auth[@]}" --port "$RASA_PORT" --model "$model" \
  --endpoints endpoints.yml --credentials credentials.yml > .run/rasa.log 2>&1 &
rasa_pid=$!
"$py" -m console > .run/console.log 2>&1 &
console_pid=$!
trap 'kill $actions_pid $rasa_pid $console_pid 2>/dev/null || true' EXIT INT TERM

answers() { "$py" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; }

wait_for() {  # wait_for <what> <url> <pid> <log>: dots while it starts; its log's tail if it dies
  printf "starting %s " "$1"
  local started=$SECONDS
  until answers "$2"; do
    if ! kill -0 "$3" 2>/dev/null; then
      printf "failed\n\n"; tail -n 40 "$4" >&2; echo "(whole log: $4)" >&2; exit 1
    fi
    if [ $((SECONDS - started)) -gt 600 ]; then
      printf "no answer after 10 minutes\n"; tail -n 20 "$4" >&2; exit 1
    fi
    printf "."; sleep 1
  done
  printf " ready in %d s\n" $((SECONDS - started))
}

wait_for "the action server" "http://127.0.0.1:$ACTION_PORT/health" "$actions_pid" .run/actions.log
wait_for "the Rasa server (loading $(basename "$model"))" "http://127.0.0.1:$RASA_PORT/" "$rasa_pid" .run/rasa.log
wait_for "the agent console" "http://127.0.0.1:$CONSOLE_PORT/health" "$console_pid" .run/console.log

if [ -n "${WECHAT_TOKEN:-}" ] && [ -n "${WECHAT_APP_ID:-}" ] && [ -n "${WECHAT_APP_SECRET:-}" ]; then
  wechat="$base/webhooks/wechat/webhook ($([ -n "${WECHAT_AES_KEY:-}" ] && echo "safe mode" || echo "plain mode only"))"
else
  wechat="not served: set WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET"
fi
if [ -n "${IVR_TOKEN:-}" ]; then ivr="$base/webhooks/ivr/webhook (Authorization: Bearer \$IVR_TOKEN)"
else ivr="not served: set IVR_TOKEN"; fi
# On when a real ledger (http) is among DZ_ADAPTER's backends: the wallets alone know no merchants.
if [ "${DZ_VERIFY:-}" = "1" ] || [[ ",${DZ_ADAPTER:-sandbox}," == *",http,"* ]]; then verify="on"
else verify="off (sandbox merchants; DZ_VERIFY=1 turns it on)"; fi

if [ -n "$("$py" -m tools.agents list 2>/dev/null)" ]; then agents="$("$py" -m tools.agents list 2>/dev/null | wc -l) registered"
else agents="none yet: echo '<password>' | .venv/bin/python -m tools.agents add NAME --display-name 王芳 [--supervisor]"; fi

cat <<MSG

到账助手 is serving (model: $(basename "$model")).
  Web widget (chat page):  $base/webhooks/socketio/chat/
  REST:                    curl -s $base/webhooks/rest/webhook ${rest_auth[*]} -d '{"sender":"demo","message":"昨天刷卡两千三还没到账"}'
  WeChat official account: $wechat
  Hotline IVR:             $ivr
  Access:                  $access
  Merchant verification:   $verify
  Health:                  $base/webhooks/rest/health
  Agent console:           http://${CONSOLE_HOST:-127.0.0.1}:$CONSOLE_PORT/ (agents: $agents)
  Redis:                   $REDIS_HOST:$REDIS_PORT (tickets: .venv/bin/python -m tools.tickets list)
  Conversation events:     $DZ_EVENTS_DB (Rasa's SQL event broker; the console's dashboard counts from it)
  Ports:                   Rasa $RASA_PORT, action server $ACTION_PORT, console $CONSOLE_PORT (RASA_PORT, ACTION_PORT, CONSOLE_PORT)
  Logs:                    .run/rasa.log, .run/actions.log, .run/console.log; warnings and errors also show below
  Ctrl-C stops all three servers.
MSG

tail -q -n 0 -F .run/rasa.log .run/actions.log .run/console.log 2>/dev/null \
  | grep --line-buffered -E " (WARNING|ERROR|CRITICAL) |^Traceback" &
wait "$rasa_pid"
