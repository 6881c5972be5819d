import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The row-level-security tests create, migrate and drop a real PostgreSQL database.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
