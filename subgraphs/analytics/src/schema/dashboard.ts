/** Placeholder: replaced by the dashboard schema. */
export {};
