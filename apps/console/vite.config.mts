import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

// The SPA builds to dist/apps/console; the console's Nest app serves it and proxies /api/* to the public APIs.
export default defineConfig({
  root: `${here}web`,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}../../dist/apps/console`,
    emptyOutDir: true,
    // no inline module-preload polyfill: the page's CSP allows only its own scripts
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api/memory': { target: process.env.MEMORY_API_URL ?? 'http://127.0.0.1:3001', rewrite: (p) => p.replace(/^\/api\/memory/, '') },
      '/api/gateway': { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3003', rewrite: (p) => p.replace(/^\/api\/gateway/, '') },
      '/api/recsys': { target: process.env.RECSYS_API_URL ?? 'http://127.0.0.1:3002', rewrite: (p) => p.replace(/^\/api\/recsys/, '') },
    },
  },
});
