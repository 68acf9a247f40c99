#!/usr/bin/env bash
# Serves the assistant: the action server, then the Rasa server (REST channel
# and HTTP API) with the given model. Ctrl-C stops both.
set -euo pipefail
model="$1"
bin="$PWD/.venv/bin"
mkdir -p .run
"$bin/rasa" run actions --port "$ACTION_PORT" --actions actions > .run/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT INT TERM

cat <<MSG

到账助手 is starting (model: $(basename "$model")).
  Talk to it (REST):  curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"demo","message":"昨天刷卡两千三还没到账"}'
  Parse only:         curl -s localhost:$RASA_PORT/model/parse -d '{"text":"商户号898310000000003"}'
  In a terminal:      .venv/bin/rasa shell --model $model
  Action server log:  .run/actions.log
MSG

"$bin/rasa" run --enable-api --port "$RASA_PORT" --model "$model" \
  --endpoints endpoints.yml --credentials credentials.yml
