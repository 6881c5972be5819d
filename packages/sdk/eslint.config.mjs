// The repository's rules, plus one exception: the examples are customer code, which reads its own
// environment; the "only packages/config reads process.env" rule is about Herald's services.
import repositoryConfig from '../../eslint.config.mjs';

export default [
  ...repositoryConfig,
  {
    files: ['examples/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
];
