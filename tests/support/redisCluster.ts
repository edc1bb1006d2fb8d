import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RedisNode } from '../../services/redis/connection';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'redis-cluster.sh');

export interface PrivateRedisCluster {
  /** "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3", as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  stop(): Promise<void>;
}

/** host:port,host:port → nodes. */
export function parseNodes(list: string): RedisNode[] {
  return list.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return { host: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
  });
}

/**
 * Starts a throw-away three-master Redis Cluster (no persistence) with scripts/redis-cluster.sh, in a
 * directory of its own, and waits until every node reports cluster_state:ok. Rejects with the script's
 * message when redis-server or redis-cli is missing.
 */
export async function startRedisCluster(): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'apu-ku-apu-cluster-'));
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [SCRIPT, 'start', dir], { timeout: 60_000 }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`Could not start the test Redis Cluster: ${stderr || (error instanceof Error ? error.message : String(error))}`);
  }
  const nodes = /^REDIS_CLUSTER_NODES=(\S+)$/m.exec(stdout)?.[1];
  if (!nodes) throw new Error(`scripts/redis-cluster.sh printed no REDIS_CLUSTER_NODES line: ${stdout}`);
  return {
    nodes,
    stop: async () => {
      await run('bash', [SCRIPT, 'stop', dir], { timeout: 30_000 });
    },
  };
}
