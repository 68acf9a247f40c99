// Builds the chat page into dist/, served by the Rasa server at /webhooks/socketio/chat/
// (relative asset paths, so the page works under that prefix).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// ChatUI's stylesheet declares a web font on Alibaba's CDN; the page must fetch nothing from
// outside the server it came from, so those declarations are dropped (system fonts are used).
const noRemoteFonts = {
  name: 'no-remote-fonts',
  transform(code, id) {
    if (!id.endsWith('.css')) return null;
    return { code: code.replace(/@font-face\s*\{[^}]*url\(\s*['"]?https?:[^}]*\}/g, ''), map: null };
  },
};

// ChatUI marks every message an assertive alert (role="alert"), so a screen reader interrupts
// itself for each line; the page announces the newest reply once, politely, instead. The build
// fails if ChatUI's markup changes, rather than silently keeping the alerts.
const ASSERTIVE = 'role: "alert",\n    "aria-live": "assertive",\n    "aria-atomic": "false"';
const politeMessages = {
  name: 'polite-messages',
  transform(code, id) {
    if (!id.replace(/\\/g, '/').endsWith('@chatui/core/es/components/Message/Message.js')) return null;
    if (!code.includes(ASSERTIVE)) throw new Error('ChatUI Message.js changed: re-check its aria-live markup');
    return { code: code.replace(ASSERTIVE, ''), map: null };
  },
};

export default defineConfig({
  base: './',
  plugins: [react(), noRemoteFonts, politeMessages],
  // ChatUI's `browser` field is a UMD bundle of every component; its ES modules tree-shake.
  resolve: { alias: [{ find: /^@chatui\/core$/, replacement: '@chatui/core/es/index.js' }] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
