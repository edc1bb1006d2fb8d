/** Reads a V8 CPU profile (Profiler.stop) and sums time by package or project file, and by function. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled time, idle excluded (ms). */
  busyMs: number;
  /** Self time (the package's own code), and time with the package anywhere on the stack (itself and what it calls). */
  byPackage: { name: string; ms: number; share: number; inclusiveMs: number; inclusiveShare: number }[];
  byFunction: { name: string; ms: number; share: number }[];
}

/** "botbuilder-dialogs", "@microsoft/recognizers-text-number", "dialogs/mainDialog.ts", "node internals", "(garbage collector)". */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const project = /\/((?:bot|dialogs|services|bench)\/[^?]*)/.exec(url);
  return project ? project[1]! : url;
}

export function summarizeProfile(file: string, top = 16): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    // Starting the profiler itself (inspector Session.post in bench/variantServer.ts) is not the bot's work.
    let profilerItself = false;
    for (let cursor: number | undefined = id; cursor !== undefined && !profilerItself; cursor = parents.get(cursor)) {
      profilerItself = nodes.get(cursor)?.callFrame.url === 'node:inspector';
    }
    if (profilerItself) continue;
    busy += micros;
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
    const fn = `${frame.functionName || '(anonymous)'} ${pkg}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
    // Every package on this sample's stack, once.
    const onStack = new Set<string>();
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parents.get(cursor)) {
      const callFrame = nodes.get(cursor)?.callFrame;
      if (callFrame && callFrame.functionName !== '(root)') onStack.add(packageOf(callFrame.url, callFrame.functionName));
    }
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  }
  const share = (micros: number) => (busy > 0 ? micros / busy : 0);
  const byPackage = [...packages.entries()]
    .map(([name, micros]) => {
      const inclusiveMicros = inclusive.get(name) ?? micros;
      return { name, ms: micros / 1000, share: share(micros), inclusiveMs: inclusiveMicros / 1000, inclusiveShare: share(inclusiveMicros) };
    })
    .sort((x, y) => y.inclusiveMs - x.inclusiveMs)
    .slice(0, top);
  const byFunction = [...functions.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([name, micros]) => ({ name, ms: micros / 1000, share: share(micros) }));
  return { busyMs: busy / 1000, byPackage, byFunction };
}
