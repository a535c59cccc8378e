// The fake Discord (fake-discord.ts) in a process of its own, for a test that blocks its own
// thread: a small control API on another port sends a /op slash command and says whether its
// interaction was deferred, so a client process can drive it while the test's thread is held.
// Sends { restUrl, token, applicationId, guildId, operator, controlUrl } over IPC once ready.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeDiscord } from './fake-discord.ts';

const OPERATOR = '2100000000000000001';
const fake = await startFakeDiscord();

const control = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://control.invalid');
  const answer = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (request.method === 'POST' && url.pathname === '/command') {
    if (!fake.connected) return answer(409, { error: 'no gateway session' });
    const interaction = fake.sendInteraction(fake.slashCommand({ userId: OPERATOR, subcommand: 'start', args: { workflow: url.searchParams.get('workflow') ?? '', input: url.searchParams.get('input') ?? '' } }));
    return answer(200, { id: String(interaction.id) });
  }
  const deferred = /^\/deferred\/(\d+)$/.exec(url.pathname);
  if (request.method === 'GET' && deferred) {
    const callback = fake.calls.find((call) => call.method === 'POST' && call.path.startsWith(`/interactions/${deferred[1]}/`));
    return answer(200, { deferred: callback !== undefined });
  }
  answer(404, { error: 'unknown control path' });
});
control.listen(0, '127.0.0.1', () => {
  const { port } = control.address() as AddressInfo;
  process.send!({ restUrl: fake.restUrl, token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, operator: OPERATOR, controlUrl: `http://127.0.0.1:${port}` });
});
process.on('disconnect', () => {
  control.close();
  void fake.close().finally(() => process.exit(0));
});
