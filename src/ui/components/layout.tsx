/**
 * @module ui/components/layout
 * The frame around every signed-in page: navigation, whom the session is
 * signed in as (a tenant's name, read-only, until when) and sign-out.
 */
import type { ComponentChildren } from "preact";
import { time } from "../lib/format";
import { href, type Route } from "../lib/router";
import { type Session, signOut } from "../lib/session";

const NAV: readonly [string, string, Route["page"][]][] = [
  ["Overview", "/", ["overview"]],
  ["Endpoints", "/endpoints", ["endpoints", "endpoint", "new_endpoint"]],
  ["Deliveries", "/deliveries", ["deliveries", "delivery"]],
];

export function Layout({ route, session, children }: { route: Route; session: Session; children: ComponentChildren }) {
  return (
    <>
      <header class="top">
        <a class="brand" href={href("/")}>
          hookrelay
        </a>
        <nav>
          {NAV.map(([label, path, pages]) => (
            <a href={href(path)} aria-current={pages.includes(route.page) ? "page" : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {session.kind === "tenant" ? (
          <span class="who" aria-label="Signed in as">
            <span class="tenant-name">{session.tenant}</span>
            {session.readOnly ? <span class="badge">read-only</span> : null}
            <span class="until">link valid until {time(new Date(session.expiresAt).toISOString())}</span>
          </span>
        ) : (
          <span class="who" aria-label="Signed in as">
            admin
          </span>
        )}
        <button type="button" class="link" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main>{children}</main>
    </>
  );
}
