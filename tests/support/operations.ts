/** Operations the end-to-end tests share, typed by graphql-codegen (pnpm codegen). */
import { graphql } from '../generated/index.js';

export const SignUp = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on AuthSession { accessToken refreshToken tenantId }
      ... on ValidationError { code fieldErrors { path message } }
      ... on Error { message code }
    }
  }
`);

export const SignIn = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      __typename
      ... on AuthSession { accessToken refreshToken tenantId }
      ... on Error { message code }
    }
  }
`);

export const CreateTenant = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      __typename
      ... on CreateTenantPayload { tenant { id slug tier effectiveTier status } session { accessToken refreshToken } }
      ... on ValidationError { fieldErrors { path message } }
      ... on ConflictError { field }
      ... on Error { message code }
    }
  }
`);

export const InviteMember = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      __typename
      ... on InviteMemberPayload { token invitation { id email role status } }
      ... on LimitExceededError { limit current maximum }
      ... on Error { message code }
    }
  }
`);

export const AcceptInvitation = graphql(`
  mutation AcceptInvitation($token: String!) {
    acceptInvitation(token: $token) {
      __typename
      ... on AcceptInvitationPayload { user { id role } session { accessToken } }
      ... on Error { message code }
    }
  }
`);

export const TenantOverview = graphql(`
  query TenantOverview {
    tenant {
      id slug name tier effectiveTier status
      trial { tier active daysRemaining }
      limits { maxUsers apiCallsPerMonth }
      members { nodes { id email name role } pageInfo { hasNextPage endCursor } }
    }
  }
`);
