// ESLint flat config for the whole monorepo (each workspace's `lint` script runs eslint from its
// own folder; ESLint finds this file by walking up). Formatting is Prettier's job.
import { defineConfig, globalIgnores } from 'eslint/config';
import eslintConfigPrettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Conventions: configuration comes from packages/config, the only place that reads process.env.
const processEnvRestriction = [
  'error',
  {
    object: 'process',
    property: 'env',
    message:
      'Read configuration through @herald/config (packages/config is the only place that reads process.env).',
  },
];

// Test suites and their harnesses (fixtures, helpers, servers started for tests).
const testFiles = [
  '**/*.test.ts',
  '**/*.spec.ts',
  '**/__tests__/**',
  '**/testing/**',
  'test/**',
  '**/test/**',
];

export default defineConfig(
  globalIgnores([
    '**/dist/**',
    '**/node_modules/**',
    '.data/**',
    '**/.turbo/**',
    '**/coverage/**',
    '.tools/**',
    '**/*.generated.*',
  ]),

  // typescript-eslint's recommended set (syntax only, no type information: fast).
  ...tseslint.configs.recommended,

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      'no-restricted-properties': processEnvRestriction,
    },
  },

  // Plain JavaScript (infra scripts, config files) runs on Node.
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    // TypeScript catches undefined names in .ts files; plain JavaScript has only this rule.
    rules: { 'no-undef': 'error' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },

  // The web app's client code runs in the browser.
  {
    files: ['apps/portal/src/client/**', 'apps/portal/src/browser/**', 'apps/portal/public/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // Places allowed to read process.env: the config package, dev/deploy tooling, tests and their
  // harnesses, and tool config files.
  {
    files: [
      'packages/config/**',
      'infra/**',
      ...testFiles,
      '**/vitest.config.*',
      '**/vite.config.*',
      'eslint.config.mjs',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },

  // Tests may cast freely.
  {
    files: testFiles,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // Must stay last: turns off rules that conflict with Prettier.
  eslintConfigPrettier,
);
