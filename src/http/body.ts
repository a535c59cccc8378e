// Reading a request body with bounds: a size limit (answered 413 while the body still arrives,
// after which the connection is closed rather than reused, so the rest of that body cannot be
// read as the next request) and a deadline for the whole body (408), so a client that sends
// less than its Content-Length, or sends it slowly, cannot hold a request open.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request the service will not read: the status to answer and what to do instead. */
export class RejectedRequest extends Error {
  override name = 'RejectedRequest';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

export function readBody(request: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    return Promise.reject(new RejectedRequest(413, `the body is larger than ${limits.maxBytes} bytes; send less`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: RejectedRequest | null) => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return settle(new RejectedRequest(413, `the body is larger than ${limits.maxBytes} bytes; send less`));
      chunks.push(chunk);
    };
    const onEnd = () => settle(null);
    const onError = () => settle(new RejectedRequest(400, 'the body could not be read'));
    const onAborted = () => settle(new RejectedRequest(400, 'the client stopped sending the body'));
    const timer = setTimeout(
      () => settle(new RejectedRequest(408, `the body did not arrive within ${limits.timeoutMs} ms; send it at once and with a Content-Length that matches it`)),
      limits.timeoutMs,
    );
    request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

/** Answers a rejected request as JSON; a body still arriving means the connection cannot be reused. */
export function sendRejection(request: IncomingMessage, response: ServerResponse, rejection: RejectedRequest): void {
  if (response.headersSent) return void response.destroy();
  const unread = !request.complete;
  response.writeHead(rejection.status, { 'content-type': 'application/json', ...(unread ? { connection: 'close' } : {}) });
  response.end(JSON.stringify({ error: rejection.message }));
  // Node closes the socket after a response marked `connection: close`; the unread rest of the
  // body goes with it instead of being parsed as a next request.
  if (unread) request.resume();
}
