/** @module admin/deps — what the admin routes need from the running relay, passed as one object. */
import type { Clock } from "../clock";
import type { ApiEndpoints } from "../endpoints/api-endpoints";
import type { EndpointRegistry } from "../endpoints/registry";
import type { Ingest } from "../ingest/accept";
import type { PortalSessions } from "../portal/sessions";
import type { BacklogStore, ControlStore, EndpointStateStore, NodeStore, QueryStore, RollupStore } from "../storage/stores";
import type { AdminAccessDeps } from "./access";

export interface AdminDeps extends AdminAccessDeps {
  readonly endpoints: EndpointRegistry;
  readonly apiEndpoints: ApiEndpoints;
  readonly sessions: PortalSessions;
  readonly queries: QueryStore;
  readonly controls: ControlStore;
  readonly backlog: BacklogStore;
  readonly endpointStates: Pick<EndpointStateStore, "counters">;
  readonly rollups: RollupStore;
  readonly nodes: NodeStore;
  readonly ingest: Ingest;
  readonly clock: Clock;
  /** Tells the scheduler that an endpoint has deliveries due now (retried or released). */
  readonly noteDue: (endpointId: string) => void;
  /** Attempts running now, in this process. */
  readonly inFlight: () => number;
  /** Where the dashboard is reached: portal links start with it. */
  readonly publicUrl: () => string;
}
