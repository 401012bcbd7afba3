// Lints the console's browser code (console/app) and its Playwright tests (console/tests).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['node_modules/**', 'build/**', 'docs/**', 'console/test-results/**', 'console/playwright-report/**'] },
  js.configs.recommended,
  {
    files: ['console/app/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Build nodes with dom.js h(): no markup strings.' },
        { property: 'outerHTML', message: 'Build nodes with dom.js h(): no markup strings.' },
        { property: 'insertAdjacentHTML', message: 'Build nodes with dom.js h(): no markup strings.' }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value='style']", message: 'The CSP forbids style attributes: use a class or element.style.' }],
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
  {
    files: ['console/tests/**/*.js', 'console/playwright.config.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
];
