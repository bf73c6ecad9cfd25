import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      // Node resolves chrono-node's "./*" subpath export; Vite's resolver trips on its "./*/*" entry.
      'chrono-node/zh': fileURLToPath(new URL('./node_modules/chrono-node/dist/esm/locales/zh/index.js', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
