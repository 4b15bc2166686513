import { defineConfig } from 'vitest/config';

// End-to-end suites: the demo store, the provider fakes and the deployment topologies driven in
// Chromium (test/chromium.ts), and the shopper run in Chromium, Firefox and WebKit
// (test/e2e/engines.e2e.ts). Run by `npm run test:e2e`, after the widget build they load.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    // A try-on takes seconds (the demo job alone 3.5 s) and a suite several of them in a row on a
    // loaded machine: generous bounds, so a slow run passes and only a hang fails.
    testTimeout: 120_000,
    // Launching Chromium and drawing the shopper photo, or making a TLS certificate.
    hookTimeout: 60_000,
    // One file at a time: each launches its own browser, and two at once on a 2-core machine
    // starve each other's timers.
    fileParallelism: false,
  },
});
