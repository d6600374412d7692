/** Placeholder: replaced by the trend schema. */
export {};
