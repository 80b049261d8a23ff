/** @module metrics/routes — `GET /metrics`, no token: Prometheus scrapes it. */
import { Elysia } from "elysia";
import type { Metrics } from "./metrics";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function metricsRoutes(metrics: Metrics) {
  return new Elysia({ name: "metrics", normalize: false }).get(
    "/metrics",
    async () => new Response(await metrics.render(), { headers: { "content-type": CONTENT_TYPE } }),
    { detail: { summary: "Prometheus metrics (text format 0.0.4)", operationId: "getMetrics", tags: ["health"], security: [], responses: { 200: { description: "Success", content: { "text/plain": { schema: { type: "string" } } } } } } },
  );
}
