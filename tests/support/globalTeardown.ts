export default async function globalTeardown(): Promise<void> {
  await (globalThis as { privateRedis?: { stop(): Promise<void> } }).privateRedis?.stop();
}
