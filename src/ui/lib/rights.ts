/**
 * @module ui/lib/rights
 * What the signed-in session may do, so pages offer only the actions the API
 * would accept (interface.md §9): an admin everything; a tenant its own
 * objects, writing only the endpoints it created over the API (the config
 * file's own: read and test), retrying but never cancelling, and setting only
 * the keys a tenant may set; a read-only session nothing but reading. The API
 * enforces all of this itself: hiding is for clarity, not for safety.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./session";
import type { Endpoint } from "./types";

export interface Rights {
  readonly admin: boolean;
  /** May change anything at all: an admin, or a tenant session that is not read-only. */
  readonly write: boolean;
  /** The tenant a tenant session is bound to; null for an admin. */
  readonly tenant: string | null;
}

export function rightsOf(session: Session): Rights {
  return session.kind === "admin" ? { admin: true, write: true, tenant: null } : { admin: false, write: !session.readOnly, tenant: session.tenant };
}

/** Enable and disable: a tenant only on its API endpoints. */
export const maySwitch = (r: Rights, e: Endpoint) => e.state !== "removed" && (r.admin || (r.write && e.source === "api"));
export const mayTest = (r: Rights, e: Endpoint) => e.state !== "removed" && r.write;
/** Edit, rotate the secret, delete: endpoints created over the API only, whoever asks. */
export const mayManage = (r: Rights, e: Endpoint) => r.write && e.source === "api";
export const mayRetry = (r: Rights) => r.write;
export const mayCancel = (r: Rights) => r.admin;

const READ_ONLY: Rights = { admin: false, write: false, tenant: null };
export const RightsContext = createContext<Rights>(READ_ONLY);

export function useRights(): Rights {
  return useContext(RightsContext);
}
