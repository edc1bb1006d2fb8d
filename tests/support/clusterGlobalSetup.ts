import { redisServerInstalled } from './redisServer';
import { startRedisCluster } from './redisCluster';

/**
 * The Redis Cluster project's global setup (jest.config.js): a private three-master cluster on free ports,
 * started with scripts/redis-cluster.sh. Without redis-server the run stops here with a message saying what to
 * do: the cluster run fails, it never skips. Workers read the nodes from TEST_REDIS_CLUSTER_NODES.
 */
export default async function clusterGlobalSetup(): Promise<void> {
  if (!redisServerInstalled()) {
    throw new Error('The Redis Cluster tests need redis-server and redis-cli 7 on this machine (apt-get install redis-server); they start a private cluster with scripts/redis-cluster.sh.');
  }
  const cluster = await startRedisCluster();
  process.env.TEST_REDIS_CLUSTER_NODES = cluster.nodes;
  (globalThis as { privateRedisCluster?: { stop(): Promise<void> } }).privateRedisCluster = cluster;
}
