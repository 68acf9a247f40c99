// Every line the page itself says, from the assistant's one wording catalogue
// (daozhang/data/wording.yml `web_page`, written to wording.json by `make web`).
import page from './wording.json';

export const TITLE = page.title;
export const PLACEHOLDER = page.placeholder;
export const WELCOME = page.welcome;
export const STARTERS = page.starters;
export const ONLINE = page.online;
export const CONNECTING = page.connecting;
export const NO_ANSWER = page.no_answer;
