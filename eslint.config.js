// Lint for the whole repository: typescript-eslint's recommended rules, Lit's and custom elements'
// own rules for the element code, and import-x/no-cycle so no import cycle can come back.
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'coverage/**',
      '.wrangler/**',
      'examples/**/node_modules/**',
      'examples/**/.next/**',
      'examples/**/dist/**',
      'examples/**/.wrangler/**',
      '**/*.d.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['src/element/**/*.ts', 'src/cdn.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/element/**/*.ts', 'src/cdn.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A `let` assigned once, later, is read by a closure made before that (a proxy's route, a
      // server's handler): it cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
);
