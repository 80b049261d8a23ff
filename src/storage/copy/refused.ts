/** @module storage/copy/refused — a copy refused before anything was written, in one sentence for the operator. */
export class CopyRefused extends Error {
  override readonly name = "CopyRefused";
}
