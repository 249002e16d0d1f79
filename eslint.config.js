// Lint rules, including the one-way layering of DESIGN.md:
// dsl and topology never import runtime, state or log-store implementations.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layered = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: forbidden.map((layer) => ({
        group: [`**/${layer}/*`, `**/${layer}`],
        message: `src/${from} must not import src/${layer} (DESIGN.md: layers are one-way).`,
      })),
    }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test/java/**', '.tributary/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  layered('dsl', ['runtime', 'state', 'log-store']),
  layered('topology', ['runtime', 'state', 'log-store']),
  layered('log-store', ['dsl', 'topology', 'runtime', 'state', 'windowing']),
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // Plain JavaScript run by Node (bin/, scripts/, the worker entry, the package test's apps).
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } } },
);
