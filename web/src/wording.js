// Every line the page itself says.
export const TITLE = '到账助手';
export const PLACEHOLDER = '请描述您的问题，如：昨天刷卡的钱没到账';
export const WELCOME = '您好，我是到账助手。刷卡或扫码收的钱没到账、到账慢、手续费、退款、POS机报错，都可以问我。';
export const STARTERS = ['刷卡的钱没到账', '二维码收款没到账', '什么时候到账', '手续费怎么算'];
export const ONLINE = '在线';
export const CONNECTING = '正在连接…';
export const NO_ANSWER = '助手暂时没有回应，请稍后再发一次；着急的话可以说“转人工”。';
