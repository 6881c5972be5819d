// The repository's rules; the client-preset output in src/gql is generated (checked for
// staleness by src/gql.test.ts) and not linted.
import repositoryConfig from '../../eslint.config.mjs';

export default [...repositoryConfig, { ignores: ['src/gql/**'] }];
