import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';

export { GraphQLJSON as JSONScalar, GraphQLJSONObject as JSONObjectScalar };
