#!/usr/bin/env bash
# Serves the assistant: the action server, then the Rasa server (every channel of
# credentials.yml and the HTTP API) with the given model. Ctrl-C stops both.
# Without RASA_TOKEN both listen on loopback only; the action server stays on
# loopback unless ACTION_HOST says otherwise (it has no authentication).
set -euo pipefail
model="$1"
bin="$PWD/.venv/bin"
mkdir -p .run
"$bin/rasa" run actions --port "$ACTION_PORT" --actions actions > .run/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT INT TERM

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
if [ -n "${WECHAT_TOKEN:-}" ] && [ -n "${WECHAT_APP_ID:-}" ] && [ -n "${WECHAT_APP_SECRET:-}" ]; then
  wechat="$base/webhooks/wechat/webhook ($([ -n "${WECHAT_AES_KEY:-}" ] && echo "safe mode" || echo "plain mode only"))"
else
  wechat="not served: set WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET"
fi
if [ -n "${IVR_TOKEN:-}" ]; then ivr="$base/webhooks/ivr/webhook (Authorization: Bearer \$IVR_TOKEN)"
else ivr="not served: set IVR_TOKEN"; fi
if [ "${DZ_VERIFY:-}" = "1" ] || [ "${DZ_ADAPTER:-sandbox}" != "sandbox" ]; then verify="on"
else verify="off (sandbox merchants; DZ_VERIFY=1 turns it on)"; fi

cat <<MSG

到账助手 is starting (model: $(basename "$model")).
  Web widget (chat page):  $base/webhooks/socketio/chat/
  REST:                    curl -s $base/webhooks/rest/webhook ${rest_auth[*]} -d '{"sender":"demo","message":"昨天刷卡两千三还没到账"}'
  WeChat official account: $wechat
  Hotline IVR:             $ivr
  Access:                  $access
  Merchant verification:   $verify
  Health:                  $base/webhooks/rest/health
  Action server log:       .run/actions.log
MSG

"$bin/rasa" run --enable-api -i "$interface" "${auth[@]}" --port "$RASA_PORT" --model "$model" \
  --endpoints endpoints.yml --credentials credentials.yml
