export default async function clusterGlobalTeardown(): Promise<void> {
  await (globalThis as { privateRedisCluster?: { stop(): Promise<void> } }).privateRedisCluster?.stop();
}
