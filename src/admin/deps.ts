/** @module admin/deps — what the admin routes need from the running relay, passed as one object. */
import type { Clock } from "../clock";
import type { Ingest } from "../ingest/accept";
import type { Backlog } from "../outbox/backlog";
import type { Controls } from "../outbox/controls";
import type { Queries } from "../outbox/queries";
import type { Rollups } from "../outbox/rollups";
import type { Endpoints } from "../scheduler/endpoints";
import type { AdminAccessDeps } from "./access";

export interface AdminDeps extends AdminAccessDeps {
  readonly endpoints: Endpoints;
  readonly queries: Queries;
  readonly controls: Controls;
  readonly backlog: Backlog;
  readonly rollups: Rollups;
  readonly ingest: Ingest;
  readonly clock: Clock;
  /** Asks the scheduler for a round: retried and released rows are due now. */
  readonly wake: () => void;
}
