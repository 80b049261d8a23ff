/**
 * @module bench/http-client
 * A minimal HTTP/1.1 keep-alive client over Bun.connect: one request at a
 * time per connection, prebuilt request bytes, and just enough response
 * parsing (status, Content-Length or chunked) to know when the answer ended.
 * The load generator uses it because Bun's fetch costs more CPU per request
 * than the servers it measures: with fetch, every figure would be the
 * client's ceiling rather than the server's.
 */
import type { Socket } from "bun";

interface Pending {
  resolve: (status: number) => void;
  reject: (err: Error) => void;
}

const HEADER_END = Buffer.from("\r\n\r\n");
const CHUNKED_END = Buffer.from("0\r\n\r\n");

export class HttpConnection {
  #socket: Socket<undefined> | null = null;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: Pending | null = null;
  #unsent: Uint8Array | null = null;
  #closed = false;

  private constructor() {}

  /** Opens one keep-alive connection to `hostname:port`. */
  static async open(hostname: string, port: number): Promise<HttpConnection> {
    const conn = new HttpConnection();
    conn.#socket = await Bun.connect({
      hostname,
      port,
      socket: {
        data: (_s, chunk) => conn.#onData(chunk),
        drain: (s) => conn.#flush(s),
        close: () => conn.#fail(new Error("connection closed")),
        error: (_s, err) => conn.#fail(err),
      },
    });
    conn.#socket.setNoDelay(true);
    return conn;
  }

  /** False once the server (or an error) closed it; an idle connection may be closed by the server's idle timeout. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Sends one complete request; resolves with the response status once the whole response has arrived. */
  request(bytes: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error("connection closed"));
        return;
      }
      this.#pending = { resolve, reject };
      this.#unsent = bytes;
      this.#flush(this.#socket!);
    });
  }

  close(): void {
    this.#socket?.end();
  }

  #flush(socket: Socket<undefined>): void {
    if (!this.#unsent) return;
    const written = socket.write(this.#unsent);
    this.#unsent = written >= this.#unsent.byteLength ? null : this.#unsent.subarray(Math.max(0, written));
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headEnd = this.#buffer.indexOf(HEADER_END);
    if (headEnd < 0) return;
    const head = this.#buffer.subarray(0, headEnd).toString("latin1");
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let end: number;
    if (length) {
      end = headEnd + 4 + Number(length[1]);
      if (this.#buffer.length < end) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = this.#buffer.indexOf(CHUNKED_END, headEnd + 4);
      if (last < 0) return;
      end = last + CHUNKED_END.length;
    } else {
      end = headEnd + 4;
    }
    this.#buffer = this.#buffer.subarray(end);
    const pending = this.#pending;
    this.#pending = null;
    pending?.resolve(status);
  }

  #fail(err: Error): void {
    this.#closed = true;
    const pending = this.#pending;
    this.#pending = null;
    pending?.reject(err);
  }
}

/** The bytes of a POST with a JSON body. */
export function postBytes(url: URL, headers: Record<string, string>, body: string): Uint8Array {
  const bodyBytes = Buffer.from(body);
  let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-length: ${bodyBytes.length}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), bodyBytes]);
}
