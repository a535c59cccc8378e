/**
 * A minimal local SMTP server for tests: give Operator `url` as SMTP_URL. It accepts messages
 * and records them, or, with `rejectRecipients`, refuses every recipient for good (550), as a
 * server does for an address that does not exist. Plain SMTP, no TLS; nothing leaves 127.0.0.1.
 */
import net from 'node:net';
import { listenOnLoopback } from './listen.ts';

export interface FakeSmtp {
  url: string;
  messages: { from: string; to: string[]; data: string }[];
  rejectRecipients: boolean;
  /** Stops listening (connections are refused) but keeps the port, as a mail server that went down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  /**
   * Runs when a message has arrived whole and is stored (the server has taken it), before the
   * 250 that tells the client so: a test kills the client here to crash it inside that window.
   */
  beforeAccepting: (() => Promise<void>) | null;
  close(): Promise<void>;
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const fake = { messages: [] as FakeSmtp['messages'], rejectRecipients: false, beforeAccepting: null as FakeSmtp['beforeAccepting'] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let inData = false;
    let envelope = { from: '', to: [] as string[] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 fake-smtp ready');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          fake.messages.push({ ...envelope, data: buffer.slice(0, end) });
          buffer = buffer.slice(end + 5);
          inData = false;
          envelope = { from: '', to: [] };
          const hook = fake.beforeAccepting;
          if (hook) {
            void hook().then(() => reply('250 queued'));
            return;
          }
          reply('250 queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO' || verb === 'RSET' || verb === 'NOOP') {
          reply('250 ok');
        } else if (verb === 'MAIL') {
          envelope.from = line.slice(10).trim();
          reply('250 ok');
        } else if (verb === 'RCPT' && fake.rejectRecipients) {
          reply('550 5.1.1 mailbox unavailable');
        } else if (verb === 'RCPT') {
          envelope.to.push(line.slice(8).trim());
          reply('250 ok');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 go ahead');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else {
          reply('502 not implemented');
        }
      }
    });
  });
  const listen = (port: number) => listenOnLoopback(server, port);
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(fake, { url: `smtp://127.0.0.1:${port}`, stop: close, restart: () => listen(port), close });
}
