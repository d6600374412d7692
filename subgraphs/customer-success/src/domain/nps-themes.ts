/**
 * Keyword taxonomy for NPS comment themes. A theme matches when any of its
 * stems matches the comment: a one-word stem matches a word that starts with
 * it ("pric" → price, pricing, priced), except stems shorter than four letters,
 * which must match a whole word ("ui", "api", "sso") so they do not fire
 * inside other words. A stem with a space matches consecutive words, the last
 * one by prefix ("set up"). Documented in docs/customer-success-methods.md.
 */

export const THEME_TAXONOMY: Record<string, readonly string[]> = {
  PRICING: ['pric', 'cost', 'expensiv', 'overpric', 'cheap', 'afford', 'billing', 'invoice', 'subscription', 'renewal fee', 'discount'],
  SUPPORT: ['support', 'helpdesk', 'help desk', 'ticket', 'csm', 'customer service', 'account manager'],
  PERFORMANCE: ['slow', 'fast', 'speed', 'lag', 'laggy', 'latenc', 'perform', 'loading', 'load time', 'timeout', 'sluggish', 'quick'],
  RELIABILITY: ['crash', 'bug', 'bugs', 'buggy', 'outage', 'downtime', 'reliab', 'unreliab', 'stabl', 'unstabl', 'broken', 'glitch', 'uptime', 'error'],
  USABILITY: ['usab', 'intuitiv', 'easy', 'easi', 'confus', 'clunk', 'ui', 'ux', 'interface', 'navigat', 'cumbersom', 'complicat', 'user friendly'],
  FEATURES: ['feature', 'functionalit', 'capabilit', 'missing', 'roadmap', 'dashboard', 'workflow', 'automat'],
  ONBOARDING: ['onboard', 'setup', 'set up', 'implementation', 'kickoff', 'training', 'getting started', 'migrat', 'go live'],
  INTEGRATIONS: ['integrat', 'api', 'apis', 'sso', 'single sign', 'salesforce', 'hubspot', 'slack', 'zapier', 'webhook', 'connector', 'sync'],
  DOCUMENTATION: ['doc', 'docs', 'documentation', 'guide', 'tutorial', 'knowledge base', 'help center', 'help centre'],
};

/** Stems under this length only match whole words. */
export const MIN_PREFIX_STEM_LENGTH = 4;

/** Lower-cased words of the text: letters and digits, everything else separates. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function wordMatches(word: string, stem: string, prefix: boolean): boolean {
  return prefix && stem.length >= MIN_PREFIX_STEM_LENGTH ? word.startsWith(stem) : word === stem;
}

function stemMatches(tokens: string[], stem: string): boolean {
  const parts = stem.split(' ');
  for (let i = 0; i + parts.length <= tokens.length; i++) {
    if (parts.every((part, k) => wordMatches(tokens[i + k]!, part, k === parts.length - 1))) return true;
  }
  return false;
}

/** Themes of the text, in taxonomy order. */
export function themesOf(text: string): string[] {
  const tokens = words(text);
  return Object.entries(THEME_TAXONOMY)
    .filter(([, stems]) => stems.some((stem) => stemMatches(tokens, stem)))
    .map(([theme]) => theme);
}
