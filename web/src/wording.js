// Every line the page itself says, from the assistant's one wording catalogue
// (daozhang/data/wording.yml `web_page`, written to wording.json by `make web`).
import page from './wording.json';

export const TITLE = page.title;
export const PLACEHOLDER = page.placeholder;
export const INPUT_LABEL = page.input_label;
export const WELCOME = page.welcome;
export const STARTERS = page.starters; // [{title, payload}]
export const ONLINE = page.online;
export const CONNECTING = page.connecting;
export const OFFLINE = page.offline;
export const NO_ANSWER = page.no_answer;
export const SEND_FAILED = page.send_failed;
export const RETRY = page.retry;
export const SENDING = page.sending;
