import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// import.meta.dirname (Node ≥ 20.11) rather than node:url: lint keeps Node built-ins out of renderer/.
const rendererDir = import.meta.dirname;

// Everything is bundled from node_modules: the app runs offline, behind a strict CSP
// (no inline scripts, no CDN, no web fonts). `base: './'` lets the same build load from
// the server's root in browser mode and from Electron's custom protocol.
export default defineConfig({
  root: rendererDir,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${rendererDir}/../dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The polyfill would be injected as an inline script, which the CSP forbids; modern engines need none.
    modulePreload: { polyfill: false },
  },
  server: {
    // Dev with hot reload against a running `npm run serve`: PIER_API=http://127.0.0.1:<port>, then
    // open the serve link with Vite's port in place of the server's (its /session sets the cookie
    // through the proxy). Dev only; builds are unaffected.
    proxy: process.env.PIER_API
      ? {
          '/rpc': {
            target: process.env.PIER_API,
            changeOrigin: true,
            // The server only accepts same-origin browser calls; the Vite origin is not its own.
            configure: (proxy) => proxy.on('proxyReq', (req) => req.removeHeader('origin')),
          },
          '/session': { target: process.env.PIER_API, changeOrigin: true },
        }
      : undefined,
  },
});
