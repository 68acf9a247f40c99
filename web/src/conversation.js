// The conversation as the page knows it, and what it keeps in the browser.
// Shown and kept is only what the server sent (channels/web_widget.py): its record of both sides,
// masked by the door, each message with the server's time. What the merchant typed is shown
// only until the server's masked echo replaces it, and is never written to localStorage.
const SESSION_KEY = 'daozhang.session';
const historyKey = (sessionId) => `daozhang.history.${sessionId}`;
const KEPT_MESSAGES = 200;

export function storedSession() {
  return localStorage.getItem(SESSION_KEY);
}

export function storeSession(sessionId) {
  localStorage.setItem(SESSION_KEY, sessionId);
}

export function storedHistory(sessionId) {
  if (!sessionId) return [];
  try {
    const kept = JSON.parse(localStorage.getItem(historyKey(sessionId)) || 'null');
    return Array.isArray(kept && kept.messages) ? kept.messages.filter(isServerEntry) : [];
  } catch {
    return []; // a damaged entry: start afresh
  }
}

export function storeHistory(sessionId, entries) {
  if (!sessionId) return;
  const kept = entries.filter(isServerEntry).slice(-KEPT_MESSAGES);
  localStorage.setItem(historyKey(sessionId), JSON.stringify({ messages: kept }));
}

// A message as the server records it: {id, side: 'merchant' | 'bot', text, time, ref?, choices?, turn?}
function isServerEntry(said) {
  return said && typeof said.id === 'string' && (said.side === 'merchant' || said.side === 'bot')
    && typeof said.text === 'string' && Number.isFinite(said.time);
}

// A bot_uttered event: our server adds `id`, `time` and the turn it belongs to; choices come as
// `quick_replies` (or `buttons`) of {title, payload}.
export function botEntry(data) {
  const buttons = (data && (data.quick_replies || data.buttons)) || [];
  return {
    id: (data && data.id) || `local-${Math.random().toString(36).slice(2)}`,
    side: 'bot',
    text: (data && typeof data.text === 'string') ? data.text : '',
    time: (data && Number.isFinite(data.time)) ? data.time : Date.now(),
    turn: data && data.turn,
    choices: buttons.map((b) => ({ title: b.title, payload: b.payload })),
  };
}

// The server's record merged with what this page already shows: one copy of each, in time order.
export function merged(entries, more) {
  const seen = new Set(entries.map((said) => said.id));
  const added = more.filter((said) => isServerEntry(said) && !seen.has(said.id));
  if (!added.length) return entries;
  return [...entries, ...added].sort((a, b) => a.time - b.time);
}

// The choices on offer: those of the newest question, while nothing has been said since but the
// rest of the same turn.
export function choicesOffered(entries) {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const said = entries[i];
    if (said.side !== 'bot') return [];
    if (said.choices && said.choices.length) {
      const later = entries.slice(i + 1);
      return later.every((next) => next.turn && next.turn === said.turn) ? said.choices : [];
    }
  }
  return [];
}

// "09:05" today; "12月3日 15:42" another day this year; with the year before that.
export function whenSaid(ms, now = new Date()) {
  const at = new Date(ms);
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  if (at.toDateString() === now.toDateString()) return time;
  const day = `${at.getMonth() + 1}月${at.getDate()}日`;
  return at.getFullYear() === now.getFullYear() ? `${day} ${time}` : `${at.getFullYear()}年${day} ${time}`;
}

// What the merchant typed, shown until the server's masked echo replaces it (or while the server
// cannot be reached): what looks like a card number or a code is hidden here too. Display only;
// the door's masking (daozhang/masking.py) is the one that counts, and this text is never stored.
const DIGIT_RUN = /[0-9０-９](?:[0-9０-９\s\-－_.·]*[0-9０-９])?/g;
const SECRET = /(密码|密碼|验证码|驗證碼|口令|动态码|短信码|pin|PIN|cvv|CVV)([\s:：是为為]*)[0-9０-９A-Za-z]{3,12}/g;
export function hiddenUntilEchoed(text) {
  return text
    .replace(DIGIT_RUN, (run) => {
      const digits = run.replace(/[^0-9０-９]/g, '');
      return digits.length >= 16 ? '*'.repeat(digits.length - 4) + digits.slice(-4) : run;
    })
    .replace(SECRET, (_, cue, separator) => `${cue}${separator}******`);
}

// A ticket id (HO20261122-0007) and a date (2026-12-06) are one piece each: the text around them
// may wrap, they never do.
const UNBROKEN = /(HO\d{8}-\d{4}|\d{4}-\d{2}-\d{2})/;
export function pieces(text) {
  return text.split(UNBROKEN).map((part, i) => ({ text: part, whole: i % 2 === 1 })).filter((p) => p.text);
}

export function newRef() {
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
