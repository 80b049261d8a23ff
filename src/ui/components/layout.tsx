/** @module ui/components/layout — the frame around every signed-in page: navigation and sign-out. */
import type { ComponentChildren } from "preact";
import { href, type Route } from "../lib/router";
import { signOut } from "../lib/session";

const NAV: readonly [string, string, Route["page"][]][] = [
  ["Overview", "/", ["overview"]],
  ["Endpoints", "/endpoints", ["endpoints", "endpoint"]],
  ["Deliveries", "/deliveries", ["deliveries", "delivery"]],
];

export function Layout({ route, children }: { route: Route; children: ComponentChildren }) {
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
        <button type="button" class="link" onClick={() => signOut(null)}>
          Sign out
        </button>
      </header>
      <main>{children}</main>
    </>
  );
}
