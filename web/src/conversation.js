// What the page keeps in the browser: the session id the server issued, and per session the
// messages shown and the choices on offer, so a reload shows the same conversation.
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
  if (!sessionId) return null;
  try {
    return JSON.parse(localStorage.getItem(historyKey(sessionId)) || 'null');
  } catch {
    return null; // a damaged entry: start afresh
  }
}

export function storeHistory(sessionId, messages, choices) {
  if (!sessionId) return;
  const shown = messages.slice(-KEPT_MESSAGES).map(({ type, content, position }) => ({ type, content, position }));
  localStorage.setItem(historyKey(sessionId), JSON.stringify({ messages: shown, choices }));
}

// A bot_uttered event as Rasa's socketio channel emits it: text, and choices as
// `quick_replies` (or `buttons`) of {title, payload}.
export function botTurn(data) {
  const buttons = (data && (data.quick_replies || data.buttons)) || [];
  return {
    text: (data && typeof data.text === 'string') ? data.text : '',
    choices: buttons.map((b) => ({ name: b.title, code: b.payload })),
  };
}
