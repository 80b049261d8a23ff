/**
 * @module http/health
 * `/healthz` (the process answers), `/readyz` (the database takes writes and a
 * config is loaded; 503 while draining). No token: orchestrators call these.
 */
import { Elysia } from "elysia";

export interface HealthDeps {
  /** Null when ready, else why not. */
  readonly notReadyReason: () => string | null | Promise<string | null>;
}

export function healthRoutes(deps: HealthDeps) {
  return new Elysia({ name: "health" })
    .get("/healthz", () => ({ status: "ok" }), { detail: { summary: "The process is alive", operationId: "getHealth", tags: ["health"] } })
    .get(
      "/readyz",
      async ({ set }) => {
        const reason = await deps.notReadyReason();
        if (reason === null) return { status: "ready" };
        set.status = 503;
        return { status: "not_ready", reason };
      },
      { detail: { summary: "Ready to accept events", operationId: "getReadiness", tags: ["health"] } },
    );
}
