/**
 * @module config/in-flight-checks
 * `max_in_flight` against `delivery.concurrency`, judged where it is used: each
 * endpoint gets its own value, else `defaults.max_in_flight`, else the built-in
 * default, and only a value some endpoint gets can refuse the config.
 */
import { DEFAULT_MAX_IN_FLIGHT } from "./defaults";
import { childPath } from "./locations";
import type { CheckContext } from "./policy-checks";
import type { RawEndpoint, RawPolicy } from "./schema";

/** One block as written, and its settings that fit the schema (undefined when it is not a mapping). */
export interface WrittenBlock<T> {
  readonly written: unknown;
  readonly valid: Partial<T> | undefined;
}

/** Reports each max_in_flight an endpoint gets that is not below `concurrency`, once, at the key that gives it. */
export function checkMaxInFlight(
  concurrency: number,
  defaults: WrittenBlock<RawPolicy>,
  endpoints: readonly WrittenBlock<RawEndpoint>[],
  ctx: CheckContext,
): void {
  const inheritors: number[] = [];
  endpoints.forEach(({ written, valid }, i) => {
    if (!valid) return;
    if (!gives(written)) inheritors.push(i);
    else if (valid.max_in_flight !== undefined && valid.max_in_flight >= concurrency) {
      const path = childPath(childPath("endpoints", i), "max_in_flight");
      ctx.report(ctx.at.value(path), path, `must be lower than delivery.concurrency (${concurrency}) so one endpoint cannot take every slot`);
    }
  });
  const [first] = inheritors;
  if (first === undefined) return;
  const who = inheritors.length === 1 ? `endpoints[${first}] inherits` : `endpoints[${first}] and ${inheritors.length - 1} more inherit`;
  if (gives(defaults.written)) {
    // A value the schema refused was reported there; what endpoints inherit is then unknown.
    const inherited = defaults.valid?.max_in_flight;
    if (inherited === undefined || inherited < concurrency) return;
    ctx.report(
      ctx.at.value("defaults.max_in_flight"),
      "defaults.max_in_flight",
      `must be lower than delivery.concurrency (${concurrency}) so one endpoint cannot take every slot; ${who} it`,
    );
  } else if (DEFAULT_MAX_IN_FLIGHT >= concurrency) {
    // Nothing written gives the value, so the error goes to the setting that made it too high: the concurrency.
    ctx.report(
      ctx.at.value("delivery.concurrency"),
      "delivery.concurrency",
      `must be greater than max_in_flight, ${DEFAULT_MAX_IN_FLIGHT} by default, which ${who}; set defaults.max_in_flight lower or raise delivery.concurrency`,
    );
  }
}

/** Whether a block as written sets max_in_flight, valid or not; one that does not inherits it. */
function gives(written: unknown): boolean {
  return written !== null && typeof written === "object" && Object.hasOwn(written, "max_in_flight");
}
