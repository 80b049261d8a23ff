/**
 * @module ui/app
 * The dashboard's entry: a portal link's token is taken from the address
 * first (lib/portal-link.ts); then sign-in when there is no session, else the
 * page the URL names inside the layout, with the session's rights for every
 * page to read. A tenant session ends by itself when it expires. The page
 * shell (index.html) carries no data: everything shown is read from the API
 * after sign-in.
 */
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { Layout } from "./components/layout";
import { signInWithLink, takeLinkToken } from "./lib/portal-link";
import { RightsContext, rightsOf } from "./lib/rights";
import { href, followLink, useLocation } from "./lib/router";
import { currentSession, LINK_EXPIRED, onSessionChange, signOut, signOutNotice } from "./lib/session";
import { Deliveries } from "./pages/deliveries";
import { DeliveryPage } from "./pages/delivery";
import { EndpointPage } from "./pages/endpoint";
import { Endpoints } from "./pages/endpoints";
import { NewEndpoint } from "./pages/new-endpoint";
import { Overview } from "./pages/overview";
import { SignIn, SigningIn } from "./pages/sign-in";

/** setTimeout's longest delay; sessions last at most 7 days, well within it, but a clock may be odd. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Signs in with the token of a portal link in the address, if there is one; true while that runs. */
function useLinkSignIn(): boolean {
  const [busy, setBusy] = useState(() => location.hash.includes("token="));
  useEffect(() => {
    const take = () => {
      const token = takeLinkToken();
      if (token === null) return setBusy(false);
      setBusy(true);
      void signInWithLink(token).finally(() => setBusy(false));
    };
    take();
    // A link opened in a tab already showing the dashboard changes only the fragment.
    window.addEventListener("hashchange", take);
    return () => window.removeEventListener("hashchange", take);
  }, []);
  return busy;
}

function App() {
  const linkBusy = useLinkSignIn();
  const [session, setSession] = useState(currentSession());
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  useEffect(() => {
    if (session?.kind !== "tenant") return;
    const timer = setTimeout(() => signOut(LINK_EXPIRED), Math.min(MAX_TIMER_MS, Math.max(0, session.expiresAt - Date.now())));
    return () => clearTimeout(timer);
  }, [session]);
  const rights = useMemo(() => (session ? rightsOf(session) : null), [session]);
  const { route, query } = useLocation();
  if (linkBusy) return <SigningIn />;
  // Keyed by the notice, so a session that ends while the page shows starts the sign-in page afresh.
  if (!session || !rights) return <SignIn key={signOutNotice()?.text ?? ""} />;
  return (
    <RightsContext.Provider value={rights}>
      {/* Another principal starts every page afresh: nothing read by the last one stays on screen. */}
      <Layout key={session.kind === "tenant" ? `tenant:${session.tenant}` : "admin"} route={route} session={session}>
        {route.page === "overview" ? <Overview query={query} /> : null}
        {route.page === "endpoints" ? <Endpoints query={query} /> : null}
        {route.page === "endpoint" ? <EndpointPage key={route.id} id={route.id} query={query} /> : null}
        {route.page === "new_endpoint" ? <NewEndpoint query={query} /> : null}
        {route.page === "deliveries" ? <Deliveries query={query} /> : null}
        {route.page === "delivery" ? <DeliveryPage key={route.id} id={route.id} /> : null}
        {route.page === "not_found" ? (
          <p>
            No such page. <a href={href("/")}>Go to the overview</a>.
          </p>
        ) : null}
      </Layout>
    </RightsContext.Provider>
  );
}

document.addEventListener("click", followLink);
render(<App />, document.getElementById("app")!);
