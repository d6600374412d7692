/** User: tenancy's entity, referenced here by id (owner CSM, assignees) and extended with the CSM portfolio. */
import { builder } from '../builder.js';

export const UserRef = builder.externalRef('User', builder.selection<{ id: string }>('id')).implement({
  externalFields: (t) => ({ id: t.id() }),
});

/** A reference to a user by id, or null. */
export function userRef(id: string | null): { id: string } | null {
  return id ? { id } : null;
}
