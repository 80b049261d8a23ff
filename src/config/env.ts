/**
 * @module config/env
 * `${VAR}` and `${VAR:-default}` expansion of config strings; `$${` is an escaped,
 * literal `${`. The environment is passed in so this stays pure.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** The expanded text, or why it could not be expanded (never echoing a value). */
export type Expansion = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

const REFERENCE = /\$\$\{|\$\{([^}]*)(\})?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `text` contains anything expansion would change. */
export function hasReference(text: string): boolean {
  return text.includes("${");
}

/** Replaces every reference in `text`; the first bad or unset reference is the error. */
export function expandEnv(text: string, env: Env): Expansion {
  let failure: string | null = null;
  const out = text.replace(REFERENCE, (whole, body: string | undefined, close: string | undefined) => {
    if (whole === "$${") return "${";
    if (failure !== null) return "";
    if (close === undefined) {
      failure = "unterminated ${ reference: close it with } or write $${ for a literal ${";
      return "";
    }
    const ref = body ?? "";
    const split = ref.indexOf(":-");
    const name = split === -1 ? ref : ref.slice(0, split);
    if (!NAME.test(name)) {
      failure = `invalid variable reference \${${ref}}: expected \${NAME} or \${NAME:-default}`;
      return "";
    }
    const value = env[name];
    if (split !== -1) {
      // Shell semantics of `:-`: an empty variable counts as unset.
      return value === undefined || value === "" ? ref.slice(split + 2) : value;
    }
    if (value === undefined) {
      failure = `environment variable ${name} is not set (use \${${name}:-default} for a fallback)`;
      return "";
    }
    return value;
  });
  return failure === null ? { ok: true, text: out } : { ok: false, message: failure };
}
