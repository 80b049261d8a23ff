/** @module admin/routes — every admin route group, in the order the HTTP app mounts them. */
import type { AdminDeps } from "./deps";
import { deliveryActionRoutes } from "./delivery-actions";
import { deliveryRoutes } from "./deliveries";
import { endpointRoutes } from "./endpoints";
import { endpointWriteRoutes } from "./endpoint-writes";
import { eventRoutes } from "./events";
import { nodeRoutes } from "./nodes";
import { statsRoutes } from "./stats";
import { portalSessionRoutes } from "./portal-sessions";

export type { AdminDeps } from "./deps";

export function adminRoutes(deps: AdminDeps) {
  // Static paths (/v1/deliveries/retry) and parameterised ones (/v1/deliveries/:id/retry) never share a depth, so order is free.
  return [
    endpointRoutes(deps),
    endpointWriteRoutes(deps),
    eventRoutes(deps),
    deliveryRoutes(deps),
    deliveryActionRoutes(deps),
    statsRoutes(deps),
    portalSessionRoutes(deps),
    nodeRoutes(deps),
  ];
}
