/**
 * The refusals of the operation guard: one class (HTTP 400 with a stable code
 * naming the limit) and one factory per code, so every message a developer
 * reads is written once, here. docs/operation-limits.md lists the codes.
 */

/** A request refused by a limit: HTTP 400 with a stable code naming it. */
export class OperationLimitError extends Error {
  readonly status = 400;
  constructor(
    readonly code: string,
    readonly limit: string,
    readonly maximum: number,
    readonly actual: number,
    message: string,
  ) {
    super(message);
  }
}

const n = (value: number) => value.toLocaleString('en');

export const refuse = {
  tokens: (maximum: number, actual: number, aborted: boolean) =>
    new OperationLimitError(
      'TOKEN_LIMIT_EXCEEDED',
      'maxTokens',
      maximum,
      actual,
      aborted
        ? `The document has more than ${n(maximum)} lexical tokens, the most allowed; reading stopped there.`
        : `The document has ${n(actual)} lexical tokens; at most ${n(maximum)} are allowed.`,
    ),
  fragmentExpansion: (maximum: number, actual: number) =>
    new OperationLimitError(
      'FRAGMENT_EXPANSION_LIMIT_EXCEEDED',
      'maxTokens',
      maximum,
      actual,
      `With its fragments expanded, the document selects ${n(actual)} fields; at most ${n(maximum)} are allowed (the size of the largest document you could write out by hand). Spread fewer fragments, or spread each one in fewer places.`,
    ),
  fragmentCycle: (path: readonly string[]) =>
    new OperationLimitError('FRAGMENT_CYCLE', 'fragmentCycles', 0, 1, `Fragments spread each other in a cycle (${path.join(' → ')}), which would never end.`),
  depth: (maximum: number, actual: number) =>
    new OperationLimitError('DEPTH_LIMIT_EXCEEDED', 'maxDepth', maximum, actual, `The operation nests fields ${n(actual)} levels deep; at most ${n(maximum)} are allowed.`),
  aliases: (maximum: number, actual: number) =>
    new OperationLimitError(
      'ALIAS_LIMIT_EXCEEDED',
      'maxAliases',
      maximum,
      actual,
      `The operation uses ${n(actual)} aliases (fragments expanded); at most ${n(maximum)} are allowed. Send separate requests instead of aliasing the same field many times.`,
    ),
  rootFields: (maximum: number, actual: number) =>
    new OperationLimitError('ROOT_FIELD_LIMIT_EXCEEDED', 'maxRootFields', maximum, actual, `The operation selects ${n(actual)} root fields; at most ${n(maximum)} are allowed.`),
  pageSize: (maximum: number, actual: number, field: string, argument: string) =>
    new OperationLimitError(
      'PAGE_SIZE_OUT_OF_RANGE',
      'maxPageSize',
      maximum,
      actual,
      `\`${argument}\` on ${field} is ${actual}; it must be between 1 and ${n(maximum)}. Page through longer lists with \`after\`.`,
    ),
  slicingArgument: (actual: number, field: string, slicingArguments: readonly string[]) =>
    new OperationLimitError(
      'SLICING_ARGUMENT_REQUIRED',
      'requireOneSlicingArgument',
      1,
      actual,
      `${field} needs exactly one of ${slicingArguments.map((a) => `\`${a}\``).join(', ')}; the operation gives ${actual}.`,
    ),
  cost: (maximum: number, actual: number) =>
    new OperationLimitError(
      'COST_LIMIT_EXCEEDED',
      'maxCost',
      maximum,
      actual,
      `The operation's estimated cost is ${n(actual)}; at most ${n(maximum)} is allowed. Ask for smaller pages (\`first\`) or fewer nested lists; docs/operation-limits.md explains the estimate.`,
    ),
  nodes: (maximum: number, actual: number) =>
    new OperationLimitError(
      'NODE_LIMIT_EXCEEDED',
      'maxNodes',
      maximum,
      actual,
      `The operation could return up to ${n(actual)} objects (page sizes multiplied along nested lists); at most ${n(maximum)} are allowed.`,
    ),
  introspection: () =>
    new OperationLimitError('INTROSPECTION_DISABLED', 'introspection', 0, 1, 'Introspection (`__schema`, `__type`) is disabled on this gateway; `__typename` is allowed.'),
  variables: (limit: 'maxVariableValues' | 'maxVariableDepth' | 'maxVariableStringLength', maximum: number, actual: number) =>
    new OperationLimitError(
      'VARIABLES_TOO_LARGE',
      limit,
      maximum,
      actual,
      limit === 'maxVariableValues'
        ? `The variables hold more than ${n(maximum)} values; send large inputs in several requests.`
        : limit === 'maxVariableDepth'
          ? `The variables nest more than ${n(maximum)} levels deep.`
          : `A variable holds a string of ${n(actual)} characters; at most ${n(maximum)} are allowed.`,
    ),
};
