import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const apiUrl = process.env.HERALD_API_URL ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [react()],
  // The API serves the build from its own origin at `/`; relative asset URLs would break deep
  // links such as /apps/app_123, so assets are absolute.
  base: '/',
  build: {
    outDir: 'dist',
    sourcemap: true,
    // Hashed file names under /assets get a year-long cache from the API (portal-static.ts).
    assetsDir: 'assets',
  },
  server: {
    proxy: {
      '/graphql': { target: apiUrl, ws: true, changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    maxWorkers: 2,
  },
});
