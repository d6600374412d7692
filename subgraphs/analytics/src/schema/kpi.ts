/** Placeholder: replaced by the kpi schema. */
export {};
