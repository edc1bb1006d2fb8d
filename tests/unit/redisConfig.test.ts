import { loadConfig, redisTarget } from '../../bot/config';
import { problems, SECRET } from '../support/configKit';


describe('where Redis is: one URL, a Redis Cluster or Sentinel', () => {
  it('has no Redis when none of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS is set', () => {
    expect(redisTarget(loadConfig({}))).toBeUndefined();
    expect(redisTarget(loadConfig({ REDIS_URL: ' ', REDIS_CLUSTER_NODES: '', REDIS_SENTINELS: '' }))).toBeUndefined();
  });

  it('takes a single Redis from REDIS_URL, credentials and TLS included in the URL', () => {
    expect(redisTarget(loadConfig({ REDIS_URL: 'rediss://bot:pw@redis.example:6380' }))).toEqual({ kind: 'single', url: 'rediss://bot:pw@redis.example:6380' });
  });

  it('takes a Redis Cluster from REDIS_CLUSTER_NODES, with user, password and TLS from their own variables', () => {
    expect(redisTarget(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:6379, redis-2.example:7000,[::1]:6381' }))).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 6379 },
        { host: 'redis-2.example', port: 7000 },
        { host: '::1', port: 6381 },
      ],
      tls: false,
    });
    expect(redisTarget(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_USERNAME: 'bot', REDIS_PASSWORD: 'pw', REDIS_TLS: 'true' }))).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'a', port: 1 }],
      username: 'bot',
      password: 'pw',
      tls: true,
    });
  });

  it('takes Sentinel from REDIS_SENTINELS and REDIS_SENTINEL_MASTER, with the Sentinels\' own password apart', () => {
    expect(
      redisTarget(
        loadConfig({
          REDIS_SENTINELS: 's1:26379,s2:26379',
          REDIS_SENTINEL_MASTER: 'mymaster',
          REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
          REDIS_PASSWORD: 'pw',
        }),
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      password: 'pw',
      sentinelPassword: 'sentinel-pw',
      tls: false,
    });
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: 'redis-1' }, /^REDIS_CLUSTER_NODES: expected host:port pairs separated by commas, e\.g\. 10\.0\.0\.1:6379,10\.0\.0\.2:6379 \(got "redis-1"\)$/],
    [{ REDIS_CLUSTER_NODES: 'a:6379,,b:6379' }, /^REDIS_CLUSTER_NODES: expected host:port pairs/],
    [{ REDIS_CLUSTER_NODES: 'a:70000' }, /^REDIS_CLUSTER_NODES: expected host:port pairs/],
    [{ REDIS_SENTINELS: 'redis://s1:26379', REDIS_SENTINEL_MASTER: 'm' }, /^REDIS_SENTINELS: expected host:port pairs/],
    [{ REDIS_SENTINELS: 's1:26379' }, /^REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS: the master's name from sentinel\.conf/],
    [{ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'my master' }, /^REDIS_SENTINEL_MASTER: expected the master's name from sentinel\.conf/],
    [{ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_MASTER: 'mymaster' }, /^REDIS_SENTINEL_MASTER: only used with REDIS_SENTINELS \(got "mymaster"\)$/],
    [{ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'a:1' }, /^REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS \(REDIS_URL is set too\)/],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 's:1', REDIS_SENTINEL_MASTER: 'm' }, /^REDIS_SENTINELS: set only one of/],
    [{ REDIS_URL: 'redis://r:6379', REDIS_TLS: 'true' }, /^REDIS_TLS: with REDIS_URL, put it in the URL instead \(redis:\/\/user:password@host:6379, rediss:\/\/ for TLS\)/],
    [{ REDIS_USERNAME: 'bot' }, /^REDIS_USERNAME: only used with REDIS_CLUSTER_NODES or REDIS_SENTINELS/],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS: 'yes' }, /^REDIS_TLS: expected true or false/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(problems(env)).toEqual([expect.stringMatching(message)]);
  });

  it('accepts a cluster or Sentinel in production in place of REDIS_URL, and names all three when none is set', () => {
    expect(redisTarget(loadConfig({ NODE_ENV: 'production', DIRECT_LINE_SECRET: SECRET, REDIS_CLUSTER_NODES: 'a:6379' }))?.kind).toBe('cluster');
    expect(redisTarget(loadConfig({ NODE_ENV: 'production', DIRECT_LINE_SECRET: SECRET, REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_MASTER: 'm' }))?.kind).toBe('sentinel');
    expect(problems({ NODE_ENV: 'production', DIRECT_LINE_SECRET: SECRET })).toEqual([
      'REDIS_URL: required when NODE_ENV=production (Redis is the system of record); or REDIS_CLUSTER_NODES, or REDIS_SENTINELS',
    ]);
  });

  it('never repeats a Redis password back: neither the variables nor the one inside a URL', () => {
    const refused = problems({ REDIS_URL: 'redis://bot:hunter2-secret@r:6379', REDIS_PASSWORD: 'other-secret-value', REDIS_SENTINEL_PASSWORD: 'third-secret-value' }).join('\n');
    expect(refused).toMatch(/^REDIS_PASSWORD: with REDIS_URL, put it in the URL/m);
    expect(refused).toMatch(/^REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS$/m);
    expect(refused).not.toMatch(/other-secret-value|third-secret-value/);
    const badUrl = problems({ REDIS_URL: 'redis://bot:hunter2-secret@bad host' }).join('\n');
    expect(badUrl).toMatch(/^REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL.*\(got "redis:\/\/\*\*\*@bad host"\)$/);
    expect(badUrl).not.toContain('hunter2');
  });
});
