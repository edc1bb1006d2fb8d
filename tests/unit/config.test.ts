import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { CONFIG_VARIABLES, loadConfig } from '../../bot/config';
import { problems, SECRET } from '../support/configKit';


describe('configuration from the environment', () => {
  it('.env.example names every variable the bot reads, and is itself a configuration that starts', () => {
    const example = parseEnv(readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8'));
    expect(Object.keys(example).sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(() => loadConfig(example)).not.toThrow();
  });

  it('has working defaults for a quick local start', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3978,
      HOST: '0.0.0.0',
      NODE_ENV: 'development',
      REDIS_KEY_PREFIX: 'aka:',
      STATE_TTL_SECONDS: 86400,
      MAX_MESSAGE_CHARS: 2000,
      MicrosoftAppType: 'MultiTenant',
    });
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('has the desk\'s callback hours and retention, Monday to Friday 9–15 and 30 days unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({
      OFFICE_DAYS: [1, 2, 3, 4, 5],
      OFFICE_OPENS: '09:00',
      OFFICE_CLOSES: '15:00',
      CALLBACK_RETENTION_DAYS: 30,
      CLAIM_TIMEOUT_MINUTES: 60,
      STAFF_SESSION_IDLE_MINUTES: 30,
      TRUST_PROXY: false,
    });
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ OFFICE_DAYS: '1,3,5', OFFICE_OPENS: '08:30', OFFICE_CLOSES: '16:00' })).toMatchObject({ OFFICE_DAYS: [1, 3, 5], OFFICE_OPENS: '08:30', OFFICE_CLOSES: '16:00' });
  });

  it.each([
    [{ OFFICE_DAYS: 'ma-pe' }, /OFFICE_DAYS: expected ISO weekdays separated by commas/],
    [{ OFFICE_DAYS: '1,8' }, /OFFICE_DAYS: expected ISO weekdays/],
    [{ OFFICE_OPENS: '9' }, /OFFICE_OPENS: expected a time of day such as 09:00 \(got "9"\)/],
    [{ OFFICE_OPENS: '15:00', OFFICE_CLOSES: '09:00' }, /OFFICE_CLOSES: must be at least an hour after OFFICE_OPENS \(15:00\)/],
    [{ OFFICE_OPENS: '09:00', OFFICE_CLOSES: '09:45' }, /OFFICE_CLOSES: must be at least an hour after OFFICE_OPENS \(09:00\)/],
    [{ CALLBACK_RETENTION_DAYS: '0' }, /CALLBACK_RETENTION_DAYS: expected a whole number from 1 to 3650/],
    [{ CLAIM_TIMEOUT_MINUTES: '1' }, /CLAIM_TIMEOUT_MINUTES: expected a whole number from 5 to 1440/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY: expected true or false/],
  ])('refuses callback settings %o, naming the variable', (env, message) => {
    expect(problems(env).join('\n')).toMatch(message);
  });

  it('reads numbers and treats blank values as unset', () => {
    const config = loadConfig({ PORT: '8080', REDIS_URL: ' ', STATE_TTL_SECONDS: '', MicrosoftAppId: '' });
    expect(config.PORT).toBe(8080);
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.STATE_TTL_SECONDS).toBe(86400);
    expect(config.MicrosoftAppId).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', /PORT: expected a whole number from 0 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT: expected a whole number from 0 to 65535/],
    ['PORT', '80.5', /PORT: expected a whole number/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: .*(fatal|info)/],
    ['NODE_ENV', 'staging', /NODE_ENV: /],
    ['STATE_TTL_SECONDS', '10', /STATE_TTL_SECONDS: expected a whole number from 60/],
    ['REDIS_KEY_PREFIX', 'Has Spaces', /REDIS_KEY_PREFIX: expected 1–32 of a-z 0-9/],
  ])('refuses %s=%s with a message naming the variable and what is expected', (name, value, message) => {
    expect(problems({ [name]: value }).join('\n')).toMatch(message);
  });

  it('requires REDIS_URL in production, because Redis is the system of record', () => {
    expect(problems({ NODE_ENV: 'production', DIRECT_LINE_SECRET: SECRET })).toEqual([expect.stringMatching(/^REDIS_URL: required when NODE_ENV=production/)]);
    expect(loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://redis:6379', DIRECT_LINE_SECRET: SECRET }).REDIS_URL).toBe('redis://redis:6379');
  });

  it('has the web chat channel\'s token lifetime and limits, and leaves its signing secret to development when unset', () => {
    expect(loadConfig({})).toMatchObject({
      DIRECT_LINE_TOKEN_TTL_SECONDS: 1800,
      DIRECT_LINE_ACTIVITIES_PER_MINUTE: 30,
      DIRECT_LINE_POLLS_PER_MINUTE: 150,
      DIRECT_LINE_TOKENS_PER_MINUTE: 60,
    });
    expect(loadConfig({}).DIRECT_LINE_SECRET).toBeUndefined();
    expect(loadConfig({ DIRECT_LINE_SECRET: SECRET }).DIRECT_LINE_SECRET).toBe(SECRET);
  });

  it('requires a Direct Line signing secret of 32 characters or more in production, without echoing it', () => {
    expect(problems({ NODE_ENV: 'production', REDIS_URL: 'redis://redis:6379' })).toEqual([expect.stringMatching(/^DIRECT_LINE_SECRET: required when NODE_ENV=production/)]);
    const short = problems({ DIRECT_LINE_SECRET: 'short-secret-value' });
    expect(short.join('\n')).toMatch(/DIRECT_LINE_SECRET: expected at least 32 characters/);
    expect(short.join('\n')).not.toContain('short-secret-value');
    expect(problems({ DIRECT_LINE_POLLS_PER_MINUTE: '0' }).join('\n')).toMatch(/DIRECT_LINE_POLLS_PER_MINUTE: expected a whole number from 1/);
  });

  it('requires the password with an app id, and a tenant for single-tenant apps, without echoing the password', () => {
    expect(problems({ MicrosoftAppId: 'app-id' }).join('\n')).toMatch(/MicrosoftAppPassword: required when MicrosoftAppId is set/);
    expect(problems({ MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'x', MicrosoftAppType: 'SingleTenant' }).join('\n')).toMatch(
      /MicrosoftAppTenantId: required when MicrosoftAppType=SingleTenant/,
    );
    expect(problems({ MicrosoftAppType: 'Weird', MicrosoftAppPassword: 'secret-value' }).join('\n')).not.toContain('secret-value');
  });

  it('lists every bad variable at once', () => {
    const found = problems({ PORT: 'x', REDIS_URL: 'nope', MAX_BODY_BYTES: '1' });
    expect(found.map((problem) => problem.split(':')[0]).sort()).toEqual(['MAX_BODY_BYTES', 'PORT', 'REDIS_URL']);
  });
});
