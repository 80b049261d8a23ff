/** @module cli/args — turns node:util parseArgs failures into usage errors (exit 2). */
import { UsageError } from "./io";

export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
