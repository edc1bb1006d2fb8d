// Lint rules: typescript-eslint's recommended set, plus a ban on console in runtime code (logs go through pino).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    // The staff console's page script: a browser module, no build step (web/staff/).
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'localStorage', 'fetch', 'EventSource', 'URLSearchParams'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['bot/**/*.ts', 'dialogs/**/*.ts', 'services/**/*.ts'],
    ignores: ['bot/cli.ts'],
    rules: { 'no-console': 'error' },
  },
);
