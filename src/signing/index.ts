/** @module signing — the registry of signature schemes by their config name. */
import type { SchemeName } from "../config/types";
import { hmacSha256Hex } from "./hmac-sha256-hex";
import { hmacSha256Prefixed } from "./hmac-sha256-prefixed";
import { none } from "./none";
import type { Scheme } from "./scheme";
import { standardWebhooks } from "./standard-webhooks";
import { timestamped } from "./timestamped";

export const SCHEMES: Readonly<Record<SchemeName, Scheme>> = {
  "standard-webhooks": standardWebhooks,
  "hmac-sha256-hex": hmacSha256Hex,
  "hmac-sha256-prefixed": hmacSha256Prefixed,
  timestamped,
  none,
};

export type { Scheme, Signer, SignedMessage } from "./scheme";
