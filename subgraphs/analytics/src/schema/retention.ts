/** Placeholder: replaced by the retention schema. */
export {};
