/** Placeholder: replaced by the funnel schema. */
export {};
