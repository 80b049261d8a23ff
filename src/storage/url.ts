/**
 * @module storage/url
 * A database URL as it may be shown: it is a credential, so its password
 * (and a `password` query parameter) is replaced before it reaches a log,
 * an answer or an error.
 */

const HIDDEN = "***";

export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "(a database URL that does not parse)";
  }
  if (url.password !== "") url.password = HIDDEN;
  if (url.searchParams.has("password")) url.searchParams.set("password", HIDDEN);
  return url.toString();
}

/** `message` with every spelling of the URL's secret parts taken out, for errors that may quote what they were given. */
export function scrubUrl(message: string, text: string): string {
  let out = message.split(text).join(redactUrl(text));
  try {
    const url = new URL(text);
    for (const secret of [url.password, decodeURIComponent(url.password), url.searchParams.get("password") ?? ""]) {
      if (secret !== "") out = out.split(secret).join(HIDDEN);
    }
  } catch {
    // Not a URL: nothing beyond the whole text to take out.
  }
  return out;
}

/** Whether `text` is a postgres:// or postgresql:// URL with a host. */
export function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  } catch {
    return false;
  }
}
