/** @module ui/components/delivery-table — deliveries as table rows, linking to each delivery and its endpoint. */
import { seg } from "../lib/api";
import { href } from "../lib/router";
import type { Delivery } from "../lib/types";
import { Status, Time } from "./bits";

export function DeliveryTable({
  items,
  fresh,
  showEndpoint = true,
  showTenant = false,
}: {
  items: readonly Delivery[];
  fresh?: ReadonlySet<number>;
  showEndpoint?: boolean;
  showTenant?: boolean;
}) {
  return (
    <table class="deliveries">
      <thead>
        <tr>
          <th>Delivery</th>
          <th>Event type</th>
          {showEndpoint ? <th>Endpoint</th> : null}
          {showTenant ? <th>Tenant</th> : null}
          <th>Status</th>
          <th class="num">Attempts</th>
          <th>Last answer</th>
          <th>Created</th>
          <th>Next attempt</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.seq} class={fresh?.has(d.seq) ? "fresh" : undefined} data-seq={d.seq}>
            <td>
              <a href={href(`/deliveries/${seg(d.id)}`)}>{d.id}</a>
            </td>
            <td class="mono">{d.event_type}</td>
            {showEndpoint ? (
              <td>
                <a href={href(`/endpoints/${seg(d.endpoint_id)}`)}>{d.endpoint_id}</a>
              </td>
            ) : null}
            {showTenant ? <td class="mono">{d.tenant ?? ""}</td> : null}
            <td>
              <Status value={d.status} />
            </td>
            <td class="num">{d.attempts}</td>
            <td class="clip" title={d.last_error ?? undefined}>
              {d.last_status_code ?? ""} {d.last_error ?? ""}
            </td>
            <td>
              <Time iso={d.created_at} />
            </td>
            <td>
              <Time iso={d.next_attempt_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
