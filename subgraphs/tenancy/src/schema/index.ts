/** Builds the tenancy subgraph schema from its type files. */
import { COST_DIRECTIVES, FEDERATION_LINK_URL } from '@platform/core';
import { builder } from '../builder.js';
import './page-info.js';
import './session.js';
import './viewer.js';
import './tenant.js';
import './user.js';
import './invitation.js';
import './configuration.js';
import './usage.js';
import './branding.js';
import './custom-domain.js';

export const tenancySchema = builder.toSubGraphSchema({
  linkUrl: FEDERATION_LINK_URL,
  federationDirectives: ['@key', '@shareable', ...COST_DIRECTIVES],
});
