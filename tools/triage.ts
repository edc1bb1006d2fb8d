/**
 * `npm run --silent triage`: reads messages from stdin, one per line, and prints for each one JSON line:
 * {"text", "service" (an id or null), "confidence" (0..1), "crisis" (true/false)}. Staff use it to check wording.
 */
import { createInterface } from 'node:readline';
import { NONE } from '../services/triage/triage';
import { buildFinnishTriage } from './projectTriage';

async function main(): Promise<void> {
  const triage = buildFinnishTriage();
  for await (const text of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    const { top, crisis } = triage.assess(text);
    const service = top.label === NONE ? null : top.label;
    const confidence = Math.round(top.probability * 1000) / 1000;
    process.stdout.write(`${JSON.stringify({ text, service, confidence, crisis: Boolean(crisis) })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
