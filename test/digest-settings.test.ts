// Settings of the digest and of credential reload: bad values are refused with what to write
// instead, and the env file reads the way a shell user writes it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { parseEnvFile } from '../src/ops/reload.ts';

describe('digest and reload settings', () => {
  test('a bad DIGEST_CRON or DIGEST_TZ stops start-up with what to write instead', () => {
    assert.throws(() => loadConfig({ DIGEST_CRON: 'every morning' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /DIGEST_CRON is "every morning": write a cron expression: minute hour day month weekday, e.g. 0 8 \* \* 1-5/);
      return true;
    });
    assert.throws(() => loadConfig({ DIGEST_TZ: 'Europe/Atlantis' }), /DIGEST_TZ is "Europe\/Atlantis": use an IANA time zone name such as Europe\/Berlin/);
    const config = loadConfig({ DIGEST_CRON: '30 7 * * 1-5', DIGEST_TZ: 'Europe/Berlin' });
    assert.equal(config.DIGEST_CRON, '30 7 * * 1-5');
  });

  test('the env file takes KEY=value lines, comments, export and quotes; anything else names its line', () => {
    assert.deepEqual(parseEnvFile('# tokens\n\nexport SLACK_BOT_TOKEN="xoxb-1"\nOPERATOR_SLACK_USER_IDS=U1,U2\nSLACK_SIGNING_SECRET=\'a=b\'\n'), {
      SLACK_BOT_TOKEN: 'xoxb-1',
      OPERATOR_SLACK_USER_IDS: 'U1,U2',
      SLACK_SIGNING_SECRET: 'a=b',
    });
    assert.throws(() => parseEnvFile('SLACK_BOT_TOKEN=xoxb-1\nthis is not a setting\n'), /line 2 is not KEY=value/);
  });
});
