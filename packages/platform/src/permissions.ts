/**
 * The permission vocabulary shared by every subgraph, and the built-in roles.
 * Access tokens carry the permissions of the caller's role in the current
 * tenant as scopes; subgraphs check scopes, never role names, so custom roles
 * work everywhere without code changes.
 */
export const PERMISSIONS = [
  'tenant:read',
  'tenant:update',
  'tenant:suspend',
  'tenant:delete',
  'tenant:change_tier',
  'members:read',
  'members:invite',
  'members:manage',
  'roles:manage',
  'flags:manage',
  'settings:manage',
  'branding:manage',
  'domains:manage',
  'usage:read',
  'data:read',
  'data:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Permissions only an owner may hold (custom roles cannot grant them). */
export const OWNER_ONLY: readonly Permission[] = ['tenant:delete', 'tenant:suspend'];

const READ: Permission[] = ['tenant:read', 'members:read', 'data:read'];

export const BUILT_IN_ROLES = {
  owner: [...PERMISSIONS],
  admin: PERMISSIONS.filter((p) => !OWNER_ONLY.includes(p) && p !== 'tenant:change_tier'),
  member: [...READ, 'data:write'],
  viewer: READ,
} as const satisfies Record<string, readonly Permission[]>;
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

export function isBuiltInRole(role: string): role is BuiltInRole {
  return Object.hasOwn(BUILT_IN_ROLES, role);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
