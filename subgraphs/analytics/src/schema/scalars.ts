/** JSONObject: event properties and saved widget queries, any JSON object. */
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GraphQLError(`JSONObject must be an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export const JSONObject = builder.scalarType('JSONObject', {
  description: 'A JSON object (keys and any JSON values).',
  serialize: (value) => value,
  parseValue: (value) => asObject(value),
  parseLiteral: (ast) => {
    // Literal objects in a query document are rare; accept them by converting the AST.
    const convert = (node: import('graphql').ValueNode): unknown => {
      switch (node.kind) {
        case 'ObjectValue':
          return Object.fromEntries(node.fields.map((f) => [f.name.value, convert(f.value)]));
        case 'ListValue':
          return node.values.map(convert);
        case 'IntValue':
        case 'FloatValue':
          return Number(node.value);
        case 'StringValue':
        case 'EnumValue':
          return node.value;
        case 'BooleanValue':
          return node.value;
        case 'NullValue':
          return null;
        default:
          throw new GraphQLError('JSONObject literals cannot contain variables');
      }
    };
    return asObject(convert(ast));
  },
});
