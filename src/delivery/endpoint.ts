/**
 * @module delivery/endpoint
 * An endpoint's config turned, once per config load, into what the delivery
 * path needs: parsed URL, signer, body and header builders. Reloading builds
 * new ones; attempts already running keep the ones they started with.
 */
import type { EndpointConfig } from "../config/types";
import { SCHEMES, type Signer } from "../signing";
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
}

const DEFAULT_USER_AGENT = `hookrelay/${VERSION}`;

/** Prepares one endpoint for delivery. */
export function prepareEndpoint(config: EndpointConfig): PreparedEndpoint {
  const scheme = SCHEMES[config.signature.scheme];
  const hasUserAgent = Object.keys(config.headers).some((h) => h.toLowerCase() === "user-agent");
  return {
    config,
    url: new URL(config.url),
    sign: scheme.createSigner(config.secrets, config.signature.header),
    body: createBodyBuilder(config.envelope),
    headers: createHeaderBuilder(config.headers),
    baseHeaders: {
      "content-type": "application/json",
      "accept-encoding": "identity",
      ...(hasUserAgent ? {} : { "user-agent": DEFAULT_USER_AGENT }),
    },
  };
}
