/** Placeholder: replaced by the experiment schema. */
export {};
