/**
 * @module delivery/endpoint
 * An endpoint's config turned into what the delivery path needs: parsed URL,
 * signer, body and header builders, built once and reused for every attempt
 * (endpoints/prepared-cache.ts keeps them). Attempts already running keep the
 * ones they started with when a reload or an edit builds new ones.
 */
import type { EndpointConfig } from "../config/types";
import { SCHEMES, type Signer } from "../signing";
import type { Secret } from "../signing/secret";
import { VERSION } from "../version";
import { createBodyBuilder, type BodyBuilder } from "./envelope";
import { createHeaderBuilder, type HeaderBuilder } from "./headers";

export interface PreparedEndpoint {
  readonly config: EndpointConfig;
  readonly url: URL;
  readonly sign: Signer;
  readonly body: BodyBuilder;
  readonly headers: HeaderBuilder;
  /** Sent unless the endpoint's headers set their own User-Agent. */
  readonly baseHeaders: Readonly<Record<string, string>>;
  /** When the signing secrets change (a rotated-out secret's grace ends); Infinity when never. */
  readonly validUntil: number;
}

const DEFAULT_USER_AGENT = `hookrelay/${VERSION}`;

/** Schemes that carry one signature per secret, so both secrets sign during a rotation's grace. */
const MULTI_SIGNATURE = new Set(["standard-webhooks", "timestamped"]);

/** Prepares one endpoint for delivery as it signs at `now`. */
export function prepareEndpoint(config: EndpointConfig, now: number): PreparedEndpoint {
  const scheme = SCHEMES[config.signature.scheme];
  const hasUserAgent = Object.keys(config.headers).some((h) => h.toLowerCase() === "user-agent");
  const { secrets, validUntil } = signingSecrets(config, now);
  return {
    config,
    url: new URL(config.url),
    sign: scheme.createSigner(secrets, config.signature.header),
    body: createBodyBuilder(config.envelope),
    headers: createHeaderBuilder(config.headers),
    baseHeaders: {
      "content-type": "application/json",
      "accept-encoding": "identity",
      ...(hasUserAgent ? {} : { "user-agent": DEFAULT_USER_AGENT }),
    },
    validUntil,
  };
}

/**
 * The secrets that sign at `now` (interface.md §9): during a rotation's grace
 * the schemes with one signature per secret send both, and the schemes with a
 * single signature keep the previous secret until the grace ends, so
 * receivers that have not switched yet keep verifying.
 */
function signingSecrets(config: EndpointConfig, now: number): { secrets: readonly Secret[]; validUntil: number } {
  const previous = config.previousSecret;
  if (!previous || now >= previous.expiresAt) return { secrets: config.secrets, validUntil: Infinity };
  const secrets = MULTI_SIGNATURE.has(config.signature.scheme) ? [...config.secrets, previous.secret] : [previous.secret];
  return { secrets, validUntil: previous.expiresAt };
}
