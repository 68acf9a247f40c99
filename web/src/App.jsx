// The chat page: ChatUI talking to Rasa's socketio channel (ours, channels/web_widget.py).
// Handshake: on every (re)connect send `session_request` with the stored id; the server answers
// `session_confirm` with the id to use (the same one, or a new one when it did not issue ours),
// then `history`: its record of the conversation, which is what this page shows and keeps.
// Each message sent carries an `id`: the server echoes it masked (`merchant_uttered`) to every
// tab of the session, answers it once however often it is sent, and names it in `turn_end`.
import React, { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import Chat, { Bubble, Typing } from '@chatui/core';
import { io } from 'socket.io-client';
import avatar from './assistant.svg';
import {
  botEntry, choicesOffered, hiddenUntilEchoed, merged, newRef, pieces, storeHistory, storeSession,
  storedHistory, storedSession, whenSaid,
} from './conversation';
import * as say from './wording';

// The server answers (or apologises) within 6 s; after this long the page stops "typing".
const NO_ANSWER_MS = 20000;
// A message the server has not echoed after this long is marked not sent (and sent again on reconnect).
const NO_ECHO_MS = 8000;
const BOT = { avatar, name: say.TITLE };
const TYPING = { _id: 'typing', type: 'typing', position: 'left', user: BOT };
const WELCOME = { _id: 'welcome', type: 'text', content: { text: say.WELCOME }, position: 'left', user: BOT };

// entries: the server's record (plus the page's own notes); pending: sent, not yet echoed;
// waiting: ids of messages whose turn has not ended.
const start = () => ({ entries: storedHistory(storedSession()), pending: [], waiting: [] });

function reducer(state, action) {
  const without = (refs) => state.waiting.filter((ref) => !refs.includes(ref));
  switch (action.type) {
    case 'new_session':
      return { ...state, entries: [], waiting: [] };
    case 'heard': { // the server's record: history, an echo, a bot message
      const refs = action.said.map((said) => said.ref).filter(Boolean);
      return { ...state, entries: merged(state.entries, action.said),
        pending: state.pending.filter((p) => !refs.includes(p.ref)) };
    }
    case 'note':
      return { ...state, entries: [...state.entries, { id: newRef(), side: 'note', text: action.text, time: Date.now() }] };
    case 'pend':
      return { ...state, pending: [...state.pending, action.message],
        waiting: action.message.status === 'sending' ? [...state.waiting, action.message.ref] : state.waiting };
    case 'sending':
      return { ...state, pending: state.pending.map((p) => (action.refs.includes(p.ref) ? { ...p, status: 'sending' } : p)),
        waiting: [...without(action.refs), ...action.refs] };
    case 'failed':
      return { ...state, pending: state.pending.map((p) => (action.refs.includes(p.ref) ? { ...p, status: 'failed' } : p)),
        waiting: without(action.refs) };
    case 'answered':
      return { ...state, waiting: without(action.refs) };
    default:
      return state;
  }
}

function shownMessage(said) {
  if (said.side === 'note') return { _id: said.id, type: 'system', content: { text: said.text } };
  const mine = said.side === 'merchant' || said.status;
  const text = said.status ? hiddenUntilEchoed(said.text) : said.text;
  return { _id: said.id || said.ref, type: 'text', position: mine ? 'right' : 'left', user: mine ? undefined : BOT,
    hasTime: false, content: { text, time: said.time, status: said.status, ref: said.ref } };
}

export default function App() {
  const [state, dispatch] = useReducer(reducer, undefined, start);
  const [link, setLinkState] = useState('connecting'); // connecting | online | offline
  const linkNow = useRef('connecting');
  const setLink = useCallback((now) => {
    linkNow.current = now;
    setLinkState(now);
  }, []);
  const socket = useRef(null);
  const session = useRef(null); // the id the server confirmed on this connection
  const shownFor = useRef(storedSession()); // the conversation this tab shows
  const pending = useRef(state.pending);
  const messageList = useRef(null);
  pending.current = state.pending;

  const emit = useCallback((message) => {
    socket.current.emit('user_uttered', { message: message.payload, shown: message.text, id: message.ref,
      session_id: session.current });
    setTimeout(() => {
      if (pending.current.some((p) => p.ref === message.ref && p.status === 'sending')) {
        dispatch({ type: 'failed', refs: [message.ref] });
      }
    }, NO_ECHO_MS);
  }, []);

  useEffect(() => {
    const s = io({ path: '/socket.io' }); // same origin as this page
    socket.current = s;
    s.on('connect', () => s.emit('session_request', { session_id: storedSession() }));
    const lost = () => {
      session.current = null;
      s.sendBuffer = []; // what was not delivered is sent again, once, after the next session_confirm
      setLink('offline');
      dispatch({ type: 'failed', refs: pending.current.map((p) => p.ref) });
    };
    s.on('disconnect', lost);
    s.on('connect_error', lost); // the server cannot be reached (socket.io keeps trying)
    s.on('session_confirm', (confirmed) => {
      const id = typeof confirmed === 'string' ? confirmed : confirmed && confirmed.session_id;
      if (id !== shownFor.current) { // another conversation: what this tab showed belongs to none
        shownFor.current = id;
        dispatch({ type: 'new_session' });
      }
      storeSession(id);
      session.current = id;
      setLink('online');
      const unsent = pending.current;
      dispatch({ type: 'sending', refs: unsent.map((p) => p.ref) });
      unsent.forEach(emit);
    });
    s.on('history', (data) => dispatch({ type: 'heard', said: (data && data.messages) || [] }));
    s.on('merchant_uttered', (said) => dispatch({ type: 'heard', said: [said] }));
    s.on('bot_uttered', (data) => dispatch({ type: 'heard', said: [botEntry(data)] }));
    s.on('turn_end', (data) => dispatch({ type: 'answered', refs: (data && data.refs) || [] }));
    // Other tabs of this browser on the same conversation hear the server too; when one of them is
    // given a new conversation, the others follow it on their next reconnect.
    return () => s.disconnect();
  }, [emit, setLink]);

  useEffect(() => {
    storeHistory(shownFor.current, state.entries);
  }, [state.entries]);

  const typing = link === 'online' && state.waiting.length > 0;
  useEffect(() => {
    if (!typing) return undefined;
    const timer = setTimeout(() => {
      dispatch({ type: 'answered', refs: state.waiting });
      dispatch({ type: 'note', text: say.NO_ANSWER });
    }, NO_ANSWER_MS);
    return () => clearTimeout(timer);
  }, [typing, state.waiting, state.entries]);

  const send = useCallback((payload, text) => {
    // Before the first connection the message waits as "sending"; with the connection lost it is
    // marked not sent at once. Either way it goes out once the session is confirmed.
    const message = { ref: newRef(), payload, text, status: linkNow.current === 'offline' ? 'failed' : 'sending' };
    dispatch({ type: 'pend', message });
    if (session.current) emit(message);
  }, [emit]);

  const retry = useCallback((ref) => {
    const message = pending.current.find((p) => p.ref === ref);
    if (!message || !session.current) return; // sent by itself once the connection is back
    dispatch({ type: 'sending', refs: [ref] });
    emit(message);
  }, [emit]);

  const input = () => document.querySelector('.Composer-input');
  const scrollToNewest = useCallback(() => {
    if (messageList.current) messageList.current.scrollToEnd({ animated: false, force: true });
  }, []);
  // A phone's keyboard shrinks the view: keep the newest message in sight.
  useEffect(() => {
    const view = window.visualViewport || window;
    view.addEventListener('resize', scrollToNewest);
    return () => view.removeEventListener('resize', scrollToNewest);
  }, [scrollToNewest]);

  const offered = choicesOffered(state.entries);
  const fresh = !state.entries.some((said) => said.side === 'merchant') && !state.pending.length;
  const choices = (offered.length ? offered : (fresh ? say.STARTERS : []))
    .map((choice) => ({ name: choice.title, code: choice.payload }));
  useEffect(scrollToNewest, [choices.length, scrollToNewest]);

  const shown = [WELCOME, ...state.entries.map(shownMessage), ...state.pending.map(shownMessage)];
  // A new message, or the typing dots, always brings the list to its newest line (ChatUI alone
  // leaves it where it was when the list had scrolled more than a screen since).
  useEffect(scrollToNewest, [shown.length, typing, scrollToNewest]);
  const newestBot = [...state.entries].reverse().find((said) => said.side === 'bot');

  const renderContent = (msg) => {
    if (msg.type === 'typing') return <Typing />;
    const { text, time, status, ref } = msg.content;
    return (
      <div className="Said">
        <Bubble>
          <p>{pieces(text).map((part, i) => (part.whole
            ? <span key={i} className="whole">{part.text}</span> : part.text))}</p>
        </Bubble>
        {status === 'failed' && (
          <div className="Said-meta failed">
            {say.SEND_FAILED}
            <button type="button" className="Said-retry" onClick={() => retry(ref)}>{say.RETRY}</button>
          </div>
        )}
        {status === 'sending' && <div className="Said-meta">{say.SENDING}</div>}
        {!status && time && <time className="Said-meta" dateTime={new Date(time).toISOString()}>{whenSaid(time)}</time>}
      </div>
    );
  };

  return (
    <div className="frame">
      <Chat
        navbar={{ title: say.TITLE, desc: { online: say.ONLINE, offline: say.OFFLINE }[link] || say.CONNECTING }}
        messagesRef={messageList}
        messages={typing ? [...shown, TYPING] : shown}
        renderMessageContent={renderContent}
        quickReplies={choices}
        onQuickReplyClick={(item) => {
          send(item.code, item.name);
          if (input()) input().focus();
        }}
        placeholder={say.PLACEHOLDER}
        inputOptions={{ 'aria-label': say.INPUT_LABEL }}
        wideBreakpoint="1px"
        onInputFocus={() => setTimeout(scrollToNewest, 300)}
        onSend={(type, text) => type === 'text' && text.trim() && send(text, text)}
      />
      <div className="sr-only" aria-live="polite" aria-atomic="true">{newestBot ? newestBot.text : ''}</div>
    </div>
  );
}
