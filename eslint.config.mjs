// Lint is part of `npm test`: a forbidden import between layers fails the build.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const layers = (extraForSpecs) => [
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain'],
    // The domain is pure: no I/O, no clock, no framework. zod is the one library it may use
    // (its specs may also use the property-testing library).
    allowedExternalImports: extraForSpecs.length > 0 ? ['zod', 'fast-check'] : ['zod'],
  },
  { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:config'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:config', ...extraForSpecs] },
  // The kafka and db adapters never know about each other; apps compose them.
  { sourceTag: 'scope:kafka', notDependOnLibsWithTags: ['scope:db'] },
  { sourceTag: 'scope:db', notDependOnLibsWithTags: ['scope:kafka'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:infra', ...extraForSpecs] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:infra', 'type:testing'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:infra'] },
  // tests/: contract and end-to-end specs on the real stack; they drive services as processes and import no app.
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:domain', 'type:config', 'type:infra', 'type:testing'] },
];

const specFiles = ['**/*.spec.ts', '**/test/**/*.ts'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.stack/**', '.nx/**', 'coverage/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    // Nest resolves constructor dependencies from decorator metadata: an import used only in a
    // decorated constructor's types is still needed at run time, and the rule must know it.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: layers([]) },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(only|skip|todo)$/][callee.object.name=/^(it|test|describe)$/]",
          message: 'Focused, skipped or todo tests hide failures.',
        },
      ],
    },
  },
  {
    // Test helpers (type:testing) are importable from specs only.
    files: specFiles,
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: layers(['type:testing']) },
      ],
    },
  },
  {
    // The domain decides with time and ids passed in, so replaying the log reproduces state.
    files: ['libs/domain/**/*.ts'],
    ignores: specFiles,
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass time in through command metadata.' },
        { object: 'Math', property: 'random', message: 'Pass ids in through command metadata.' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass time in through command metadata.' }],
    },
  },
  {
    files: ['**/*.cjs', '**/*.mjs', '**/*.js'],
    languageOptions: { globals: { require: 'readonly', process: 'readonly', module: 'writable', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
