/** A value quoted for a Temporal visibility query: single quotes doubled. Values come only from validated ids. */
export const visibilityString = (v: string): string => `'${v.replace(/'/g, "''")}'`;
