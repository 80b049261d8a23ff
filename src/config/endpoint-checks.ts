/**
 * @module config/endpoint-checks
 * Checks of one endpoint that need more than its own value's shape: the URL, the
 * event patterns, exactly one source of secrets, and the extra headers against the
 * signature scheme the endpoint ends up with after defaults.
 */
import { DEFAULT_SCHEME, DEFAULT_SIGNATURE_HEADERS } from "./defaults";
import { headerProblem, mergeHeaders } from "./headers";
import { childPath } from "./locations";
import { type CheckContext, checkPolicy, complainUnder } from "./policy-checks";
import type { RawEndpoint, RawPolicy } from "./schema";

/** Everything an endpoint check reads besides the endpoint. */
export interface EndpointContext extends CheckContext {
  readonly defaults: RawPolicy | undefined;
  /** secret_file contents by endpoint index (files that could not be read are absent). */
  readonly secretFiles: ReadonlyMap<number, string>;
  /** False when the endpoint's own signature is invalid: checks that depend on the scheme are skipped. */
  readonly schemeKnown: boolean;
}

const EVENT_PATTERN = /^(\*|[^\s*]+(\.\*)?)$/;
const SECRET_KEYS = ["secret", "secret_file", "secrets"] as const;

/** Reports every problem of the endpoint at `endpoints[index]`, given the settings of it that fit the schema. */
export function checkEndpoint(endpoint: Partial<RawEndpoint>, index: number, ctx: EndpointContext): void {
  const path = childPath("endpoints", index);
  const complain = complainUnder(path, ctx);
  checkPolicy(endpoint, path, ctx);

  const urlProblem = endpoint.url === undefined ? null : describeUrlProblem(endpoint.url);
  if (urlProblem) complain(["url"], urlProblem);

  endpoint.events?.forEach((pattern, i) => {
    if (!EVENT_PATTERN.test(pattern)) complain(["events", i], 'expected an event type, "prefix.*" or "*"');
  });

  if (endpoint.filter) {
    for (const key of Object.keys(endpoint.filter)) {
      if (key.split(".").some((part) => part === "")) complain(["filter", key], "expected a dot-path like data.severity", "key");
    }
  }
  if (ctx.schemeKnown) checkSigning(endpoint, index, ctx);
}

// Secrets and headers, which both depend on the signature scheme the endpoint ends up with.
function checkSigning(endpoint: Partial<RawEndpoint>, index: number, ctx: EndpointContext): void {
  const path = childPath("endpoints", index);
  const complain = complainUnder(path, ctx);
  const signature = endpoint.signature ?? ctx.defaults?.signature ?? { scheme: DEFAULT_SCHEME };
  const given = SECRET_KEYS.filter((key) => endpoint[key] !== undefined);
  for (const key of given.slice(1)) complain([key], `use only one of secret, secret_file and secrets (${given[0]} is already set)`, "key");
  if (given.length === 0 && signature.scheme !== "none") {
    ctx.report(ctx.at.value(path), path, `signature scheme ${signature.scheme} needs a secret: set secret, secret_file or secrets`);
  }
  const secrets: [readonly (string | number)[], string | undefined][] = [
    [["secret"], endpoint.secret],
    [["secret_file"], ctx.secretFiles.get(index)],
    ...(endpoint.secrets ?? []).map((s, i): [readonly (string | number)[], string] => [["secrets", i], s]),
  ];
  for (const [keys, secret] of secrets) {
    if (secret === undefined) continue;
    if (secret === "") complain(keys, "expected a non-empty secret");
    else if (signature.scheme === "standard-webhooks" && secret.startsWith("whsec_") && !isBase64(secret.slice(6))) {
      complain(keys, "expected base64 after whsec_ (standard-webhooks decodes it)");
    }
  }

  const signatureHeader = signature.header ?? DEFAULT_SIGNATURE_HEADERS[signature.scheme] ?? null;
  for (const header of mergeHeaders(ctx.defaults?.headers, endpoint.headers)) {
    const problem = headerProblem(header.name, header.value, signature.scheme, signatureHeader);
    if (!problem) continue;
    const at = header.own ? path : "defaults";
    const p = childPath(childPath(at, "headers"), header.name);
    // A bad value is pointed at; every other problem is the name's.
    ctx.report(/[\r\n]/.test(header.value) ? ctx.at.value(p) : ctx.at.key(p), p, problem);
  }
}

function describeUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "expected an absolute http or https URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "expected an http or https URL";
  if (url.hostname === "") return "expected a URL with a host";
  if (url.username !== "" || url.password !== "") return "expected a URL without user:password@; send credentials in headers";
  return null;
}

function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}
