/**
 * @module ui/lib/endpoint-form
 * The endpoint form's values as text, and the API bodies made from them: a
 * create body with the keys that were filled in (the rest take the config's
 * defaults), and a merge patch with only the keys that changed, an emptied
 * optional key sent as null (restore the default). Which keys there are
 * depends on who asks: a tenant may set url, events and description here;
 * an admin also the id, tenant, signature, timeout and retry timetable. Pure.
 */
import { durationText } from "./format";
import type { Endpoint } from "./types";

export const SCHEMES = ["standard-webhooks", "hmac-sha256-hex", "hmac-sha256-prefixed", "timestamped", "none"] as const;

export interface FormValues {
  readonly id: string;
  readonly tenant: string;
  readonly url: string;
  /** Event types, separated by commas or spaces. */
  readonly events: string;
  readonly description: string;
  /** "" for the config's default. */
  readonly scheme: string;
  readonly header: string;
  /** A duration such as 10s; "" for the default. */
  readonly timeout: string;
  /** Delays separated by commas, such as "0s, 1m, 10m"; "" for the default timetable. */
  readonly retry: string;
}

/** The keys only an admin may set (interface.md §9). */
export const ADMIN_FIELDS: ReadonlySet<keyof FormValues> = new Set(["id", "tenant", "scheme", "header", "timeout", "retry"]);

export const EMPTY_FORM: FormValues = { id: "", tenant: "", url: "", events: "", description: "", scheme: "", header: "", timeout: "", retry: "" };

/** The form filled in from an endpoint, for editing. */
export function valuesOf(e: Endpoint): FormValues {
  return {
    id: e.id,
    tenant: e.tenant ?? "",
    url: e.url ?? "",
    events: e.events.join(", "),
    description: e.description ?? "",
    scheme: e.signature?.scheme ?? "",
    header: e.signature?.header ?? "",
    timeout: e.timeout_ms === null ? "" : durationText(e.timeout_ms),
    retry: e.retry ? e.retry.delays_ms.map(durationText).join(", ") : "",
  };
}

const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** What is wrong before asking the API; empty when nothing is. */
export function formProblems(v: FormValues): string[] {
  const out: string[] = [];
  if (!v.url.trim()) out.push("Enter the URL deliveries are sent to.");
  if (list(v.events).length === 0) out.push('Enter at least one event type, such as order.created, order.* or "*".');
  return out;
}

/** The body of `POST /v1/endpoints`: only what was filled in, of the fields `admin` decides. */
export function createBody(v: FormValues, admin: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { url: v.url.trim(), events: list(v.events) };
  if (v.description.trim()) body.description = v.description.trim();
  if (!admin) return body;
  if (v.id.trim()) body.id = v.id.trim();
  if (v.tenant.trim()) body.tenant = v.tenant.trim();
  if (v.scheme || v.header.trim()) body.signature = { ...(v.scheme ? { scheme: v.scheme } : {}), ...(v.header.trim() ? { header: v.header.trim() } : {}) };
  if (v.timeout.trim()) body.timeout = v.timeout.trim();
  if (v.retry.trim()) body.retry = list(v.retry);
  return body;
}

/** The merge patch from `before` to `after`: changed keys only; null restores an emptied key's default. */
export function patchBody(before: FormValues, after: FormValues, admin: boolean): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const changed = (k: keyof FormValues) => before[k].trim() !== after[k].trim();
  const orNull = (s: string) => s.trim() || null;
  if (changed("url")) patch.url = after.url.trim();
  if (list(before.events).join(" ") !== list(after.events).join(" ")) patch.events = list(after.events);
  if (changed("description")) patch.description = orNull(after.description);
  if (!admin) return patch;
  const signature: Record<string, unknown> = {};
  if (changed("scheme")) signature.scheme = orNull(after.scheme);
  if (changed("header")) signature.header = orNull(after.header);
  if (Object.keys(signature).length > 0) patch.signature = signature;
  if (changed("timeout")) patch.timeout = orNull(after.timeout);
  if (list(before.retry).join(" ") !== list(after.retry).join(" ")) patch.retry = after.retry.trim() ? list(after.retry) : null;
  return patch;
}
