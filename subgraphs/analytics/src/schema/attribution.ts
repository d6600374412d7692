/** Placeholder: replaced by the attribution schema. */
export {};
