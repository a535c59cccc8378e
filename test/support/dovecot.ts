// A real IMAP server for a test: Debian's dovecot (apt-get install dovecot-imapd; .ci/run does it),
// one throwaway instance per call, its config, mail and logs in a temp folder, on a free port
// (RECIPES: A real IMAP server for tests). Test messages arrive with imapflow's APPEND, the way a
// mail server files them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../src/net/free-port.ts';
import { exited } from './processes.ts';

export const DOVECOT = '/usr/sbin/dovecot';
export const MAIL_USER = 'lead@test.local';
export const MAIL_PASSWORD = 'secret-imap-password';

export interface Dovecot {
  port: number;
  /** IMAP_URL for this server (imap://user:password@127.0.0.1:port). */
  url: string;
  /** Files a raw RFC 5322 message into mailbox (INBOX by default); returns its UID. */
  append(raw: string, mailbox?: string): Promise<number>;
  /** An imapflow client logged in to this server, for looking at flags and folders. */
  client(): Promise<ImapFlow>;
  stop(): Promise<void>;
}

function config(dir: string, port: number): string {
  const root = os.userInfo().uid === 0;
  // As a non-root user dovecot cannot switch users or chroot: run everything as this user.
  const unprivileged = root
    ? ''
    : `default_login_user = ${os.userInfo().username}\ndefault_internal_user = ${os.userInfo().username}\ndefault_internal_group = ${os.userInfo().username}\nservice anvil {\n  chroot =\n}\n`;
  const owner = root ? 'uid=nobody gid=nogroup' : `uid=${os.userInfo().uid} gid=${os.userInfo().gid}`;
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
${unprivileged}passdb {
  driver = passwd-file
  args = ${dir}/users
}
userdb {
  driver = static
  args = ${owner} home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = ${port}
  }${root ? '' : '\n  chroot ='}
}
`;
}

/** Resolves once the server greets with "* OK"; rejects on "* BYE" (a broken set-up) or when the port does not answer. */
function greeting(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.once('data', (line: string) => {
      socket.destroy();
      if (line.startsWith('* OK')) resolve(true);
      else reject(new Error(`dovecot answered: ${line.trim()}`));
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts dovecot on port (a free one by default) and waits until it greets. */
export async function startDovecot(options: { port?: number } = {}): Promise<Dovecot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-dovecot-'));
  // The auth process runs as another user: a 0700 temp dir would lock it out.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'mail'));
  // As root, the mail belongs to nobody:nogroup (the userdb's uid), so the imap process can write it.
  if (os.userInfo().uid === 0) fs.chownSync(path.join(dir, 'mail'), 65534, 65534);
  fs.writeFileSync(path.join(dir, 'users'), `${MAIL_USER}:{PLAIN}${MAIL_PASSWORD}\n`);
  const port = options.port ?? (await freePort());
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), config(dir, port));
  // Its own process group, so stop() ends the master and the children it forked.
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], { detached: true, stdio: 'ignore' });
  const gone = exited(child);
  const log = () => (fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '');
  const deadline = Date.now() + 10_000;
  while (!(await greeting(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      throw new Error(`dovecot did not start on port ${port}: ${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const url = `imap://${encodeURIComponent(MAIL_USER)}:${encodeURIComponent(MAIL_PASSWORD)}@127.0.0.1:${port}`;
  const client = async () => {
    const imap = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: MAIL_USER, pass: MAIL_PASSWORD }, logger: false });
    await imap.connect();
    return imap;
  };
  return {
    port,
    url,
    client,
    append: async (raw, mailbox = 'INBOX') => {
      const imap = await client();
      try {
        const appended = await imap.append(mailbox, raw);
        if (!appended || appended.uid === undefined) throw new Error(`dovecot did not take the message into ${mailbox}`);
        return appended.uid;
      } finally {
        await imap.logout();
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await gone;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
