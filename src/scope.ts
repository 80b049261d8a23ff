/**
 * @module scope
 * Whose objects a caller may see: every tenant's (admin tokens) or one
 * tenant's (portal sessions). The HTTP boundary turns a token into a scope
 * once, and every read and write that lists or fetches takes it as an
 * argument, so no route can forget it.
 */

export type Scope = { readonly kind: "all" } | { readonly kind: "tenant"; readonly tenant: string };

export const ALL_TENANTS: Scope = Object.freeze({ kind: "all" });

export function tenantScope(tenant: string): Scope {
  return { kind: "tenant", tenant };
}

/** Whether an object of `tenant` (null: no tenant; undefined: unknown) is visible in `scope`. */
export function inScope(scope: Scope, tenant: string | null | undefined): boolean {
  return scope.kind === "all" || (tenant !== undefined && tenant === scope.tenant);
}
