/** @module signing/none — no signature headers, for receivers that authenticate some other way. */
import type { Scheme } from "./scheme";

export const none: Scheme = {
  createSigner: () => () => ({}),
};
