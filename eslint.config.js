// Lint rules. The one-way arrows between rooms and the cycle rules live in .dependency-cruiser.cjs
// (`npm run lint` runs both); here: TypeScript hygiene and the size budget (DESIGN.md habit 9).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  { files: ['src/**/*.ts'], rules: { 'max-lines': ['error', { max: 600 }] } },
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // Plain JavaScript run by Node (bin/, scripts/, the worker entry, the package test's apps).
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } } },
);
