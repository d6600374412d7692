/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on ValidationError { code fieldErrors { path message } }\n      ... on Error { message code }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on Error { message code }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      __typename\n      ... on CreateTenantPayload { tenant { id slug tier effectiveTier status } session { accessToken refreshToken } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ConflictError { field }\n      ... on Error { message code }\n    }\n  }\n": typeof types.CreateTenantDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      __typename\n      ... on InviteMemberPayload { token invitation { id email role status } }\n      ... on LimitExceededError { limit current maximum }\n      ... on Error { message code }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      __typename\n      ... on AcceptInvitationPayload { user { id role } session { accessToken } }\n      ... on Error { message code }\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  query TenantOverview {\n    tenant {\n      id slug name tier effectiveTier status\n      trial { tier active daysRemaining }\n      limits { maxUsers apiCallsPerMonth }\n      members { nodes { id email name role } pageInfo { hasNextPage endCursor } }\n    }\n  }\n": typeof types.TenantOverviewDocument,
};
const documents: Documents = {
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on ValidationError { code fieldErrors { path message } }\n      ... on Error { message code }\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on Error { message code }\n    }\n  }\n": types.SignInDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      __typename\n      ... on CreateTenantPayload { tenant { id slug tier effectiveTier status } session { accessToken refreshToken } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ConflictError { field }\n      ... on Error { message code }\n    }\n  }\n": types.CreateTenantDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      __typename\n      ... on InviteMemberPayload { token invitation { id email role status } }\n      ... on LimitExceededError { limit current maximum }\n      ... on Error { message code }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      __typename\n      ... on AcceptInvitationPayload { user { id role } session { accessToken } }\n      ... on Error { message code }\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  query TenantOverview {\n    tenant {\n      id slug name tier effectiveTier status\n      trial { tier active daysRemaining }\n      limits { maxUsers apiCallsPerMonth }\n      members { nodes { id email name role } pageInfo { hasNextPage endCursor } }\n    }\n  }\n": types.TenantOverviewDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on ValidationError { code fieldErrors { path message } }\n      ... on Error { message code }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on ValidationError { code fieldErrors { path message } }\n      ... on Error { message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on Error { message code }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on AuthSession { accessToken refreshToken tenantId }\n      ... on Error { message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      __typename\n      ... on CreateTenantPayload { tenant { id slug tier effectiveTier status } session { accessToken refreshToken } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ConflictError { field }\n      ... on Error { message code }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      __typename\n      ... on CreateTenantPayload { tenant { id slug tier effectiveTier status } session { accessToken refreshToken } }\n      ... on ValidationError { fieldErrors { path message } }\n      ... on ConflictError { field }\n      ... on Error { message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      __typename\n      ... on InviteMemberPayload { token invitation { id email role status } }\n      ... on LimitExceededError { limit current maximum }\n      ... on Error { message code }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      __typename\n      ... on InviteMemberPayload { token invitation { id email role status } }\n      ... on LimitExceededError { limit current maximum }\n      ... on Error { message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      __typename\n      ... on AcceptInvitationPayload { user { id role } session { accessToken } }\n      ... on Error { message code }\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      __typename\n      ... on AcceptInvitationPayload { user { id role } session { accessToken } }\n      ... on Error { message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantOverview {\n    tenant {\n      id slug name tier effectiveTier status\n      trial { tier active daysRemaining }\n      limits { maxUsers apiCallsPerMonth }\n      members { nodes { id email name role } pageInfo { hasNextPage endCursor } }\n    }\n  }\n"): (typeof documents)["\n  query TenantOverview {\n    tenant {\n      id slug name tier effectiveTier status\n      trial { tier active daysRemaining }\n      limits { maxUsers apiCallsPerMonth }\n      members { nodes { id email name role } pageInfo { hasNextPage endCursor } }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;