// The chat page: ChatUI talking to Rasa's socketio channel (ours, channels/web_widget.py).
// Handshake: on every (re)connect send `session_request` with the stored id; the server answers
// `session_confirm` with the id to use — the same one, or a new one when it did not issue ours.
import React, { useCallback, useEffect, useRef, useState } from 'react';
import Chat, { Bubble, Typing, useMessages } from '@chatui/core';
import { io } from 'socket.io-client';
import avatar from './assistant.svg';
import { botTurn, storeHistory, storeSession, storedHistory, storedSession } from './conversation';
import * as say from './wording';

// The server answers (or apologises) within 6 s; after this long the page stops "typing".
const THINKING_TIMEOUT_MS = 20000;
const BOT = { avatar, name: say.TITLE };
const STARTERS = say.STARTERS.map((text) => ({ name: text, code: text }));

const fromBot = (text) => ({ type: 'text', content: { text }, position: 'left', user: BOT });
const fromMerchant = (text) => ({ type: 'text', content: { text }, position: 'right' });
const withAvatar = (msg) => (msg.position === 'left' ? { ...msg, user: BOT } : msg);
const welcome = () => [fromBot(say.WELCOME)];
// ChatUI 3's own `isTyping` shows an empty message: the indicator is a message of ours instead.
const TYPING = { _id: 'typing', type: 'typing', position: 'left', user: BOT };
const renderContent = (msg) => (msg.type === 'typing' ? <Typing /> : <Bubble content={msg.content.text} />);

function restored() {
  const kept = storedHistory(storedSession());
  return kept ? { messages: kept.messages.map(withAvatar), choices: kept.choices || [] }
    : { messages: welcome(), choices: STARTERS };
}

export default function App() {
  const [start] = useState(restored);
  const { messages, appendMsg, resetList } = useMessages(start.messages);
  const [choices, setChoices] = useState(start.choices);
  const [typing, setTyping] = useState(false);
  const [online, setOnline] = useState(false);
  const socket = useRef(null);
  const session = useRef(null); // the id the server confirmed on this connection
  const unsent = useRef([]); // typed while not connected: sent once the session is confirmed
  const thinking = useRef(null);
  const messageList = useRef(null);

  const stopThinking = useCallback(() => {
    clearTimeout(thinking.current);
    setTyping(false);
  }, []);

  const startThinking = useCallback(() => {
    clearTimeout(thinking.current);
    setTyping(true);
    thinking.current = setTimeout(() => {
      setTyping(false);
      unsent.current = []; // the merchant is asked to send it again
      appendMsg({ type: 'system', content: { text: say.NO_ANSWER } });
    }, THINKING_TIMEOUT_MS);
  }, [appendMsg]);

  useEffect(() => {
    const s = io({ path: '/socket.io' }); // same origin as this page
    socket.current = s;
    s.on('connect', () => s.emit('session_request', { session_id: storedSession() }));
    s.on('disconnect', () => {
      session.current = null;
      setOnline(false);
    });
    s.on('session_confirm', (confirmed) => {
      const id = typeof confirmed === 'string' ? confirmed : confirmed && confirmed.session_id;
      if (id !== storedSession()) { // a new conversation: what was shown belongs to none
        storeSession(id);
        resetList(welcome());
        setChoices(STARTERS);
      }
      session.current = id;
      setOnline(true);
      unsent.current.splice(0).forEach((message) => s.emit('user_uttered', { message, session_id: id }));
    });
    s.on('bot_uttered', (data) => {
      const turn = botTurn(data);
      stopThinking();
      if (turn.text) appendMsg(fromBot(turn.text));
      if (turn.choices.length) setChoices(turn.choices);
    });
    return () => s.disconnect();
  }, [appendMsg, resetList, stopThinking]);

  useEffect(() => {
    storeHistory(session.current || storedSession(), messages, choices);
  }, [messages, choices]);

  // The choices bar takes room from the list: keep the newest message in sight.
  useEffect(() => {
    if (messageList.current) messageList.current.scrollToEnd({ animated: false, force: true });
  }, [choices]);

  // `payload` goes to the assistant (a button's /intent), `shown` is what the merchant sees.
  const send = useCallback((payload, shown) => {
    appendMsg(fromMerchant(shown));
    setChoices([]);
    startThinking();
    if (session.current) socket.current.emit('user_uttered', { message: payload, session_id: session.current });
    else unsent.current.push(payload);
  }, [appendMsg, startThinking]);

  return (
    <div className="frame">
      <Chat
        navbar={{ title: say.TITLE, desc: online ? say.ONLINE : say.CONNECTING }}
        messagesRef={messageList}
        messages={typing ? [...messages, TYPING] : messages}
        renderMessageContent={renderContent}
        quickReplies={choices}
        onQuickReplyClick={(item) => send(item.code, item.name)}
        placeholder={say.PLACEHOLDER}
        onSend={(type, text) => type === 'text' && text.trim() && send(text, text)}
      />
    </div>
  );
}
