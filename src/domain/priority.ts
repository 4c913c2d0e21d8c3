/** Whose work a request is: a person waiting for an answer goes before background work such as digests. */
export type Priority = "interactive" | "background";
