/** A message in the person's language: a locale file's key and its variables. Every layer that words an answer takes one. */
export type Translate = (key: string, variables?: Record<string, string | number>) => string;
