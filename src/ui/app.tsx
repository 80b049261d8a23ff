/**
 * @module ui/app
 * The dashboard's entry: sign-in when there is no session, else the page the
 * URL names inside the layout. The page shell (index.html) carries no data:
 * everything shown is read from the API after sign-in.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Layout } from "./components/layout";
import { href, followLink, useLocation } from "./lib/router";
import { currentSession, onSessionChange } from "./lib/session";
import { Deliveries } from "./pages/deliveries";
import { DeliveryPage } from "./pages/delivery";
import { EndpointPage } from "./pages/endpoint";
import { Endpoints } from "./pages/endpoints";
import { Overview } from "./pages/overview";
import { SignIn } from "./pages/sign-in";

function App() {
  const [session, setSession] = useState(currentSession());
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  const { route, query } = useLocation();
  if (!session) return <SignIn />;
  return (
    <Layout route={route}>
      {route.page === "overview" ? <Overview /> : null}
      {route.page === "endpoints" ? <Endpoints query={query} /> : null}
      {route.page === "endpoint" ? <EndpointPage key={route.id} id={route.id} query={query} /> : null}
      {route.page === "deliveries" ? <Deliveries query={query} /> : null}
      {route.page === "delivery" ? <DeliveryPage key={route.id} id={route.id} /> : null}
      {route.page === "not_found" ? (
        <p>
          No such page. <a href={href("/")}>Go to the overview</a>.
        </p>
      ) : null}
    </Layout>
  );
}

document.addEventListener("click", followLink);
render(<App />, document.getElementById("app")!);
