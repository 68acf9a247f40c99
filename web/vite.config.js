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

export default defineConfig({
  base: './',
  plugins: [react(), noRemoteFonts],
  // ChatUI's `browser` field is a UMD bundle of every component; its ES modules tree-shake.
  resolve: { alias: [{ find: /^@chatui\/core$/, replacement: '@chatui/core/es/index.js' }] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
