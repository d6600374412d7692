/** The auth scopes every field of this subgraph uses: a tenant member holding the permission. */
export const readScopes = { tenantMember: true, permission: 'data:read' } as const;
export const writeScopes = { tenantMember: true, permission: 'data:write' } as const;
export const settingsScopes = { tenantMember: true, permission: 'settings:manage' } as const;
