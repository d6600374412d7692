/** Placeholder: replaced by the anomaly schema. */
export {};
