/**
 * Memory and CPU of the processes under test, read from Linux's /proc while a
 * measurement runs: the resident set size (RSS, peak of the samples) and the
 * CPU time used, of a process together with its descendants, because our
 * gateway may run as a cluster primary with worker processes
 * (GATEWAY_WORKERS) and all of them are "the gateway".
 */
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_BYTES = 4096;
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  command: string;
  cpuTicks: number;
  rssBytes: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; the fields after its closing parenthesis are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const command = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    return { pid, ppid: Number(fields[1]), command, cpuTicks: Number(fields[11]) + Number(fields[12]), rssBytes: Number(fields[21]) * PAGE_BYTES };
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** Every process alive now, by parent, read once per sample. */
function processesByParent(): { byPid: Map<number, ProcStat>; children: Map<number, ProcStat[]> } {
  const byPid = new Map<number, ProcStat>();
  const children = new Map<number, ProcStat[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (!s) continue;
    byPid.set(s.pid, s);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  }
  return { byPid, children };
}

/** The process and every descendant. */
function treeOf(rootPid: number, processes: ReturnType<typeof processesByParent>): ProcStat[] {
  const root = processes.byPid.get(rootPid);
  if (!root) return [];
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(processes.children.get(tree[i]!.pid) ?? []));
  return tree;
}

export interface ProcessFigures {
  /** Peak of the sampled RSS of the process tree. */
  peakRssBytes: number;
  /** CPU time of the tree over the window divided by its wall time: 1.0 = one core busy. */
  cores: number;
}

/** Samples each group of process trees (e.g. "gateway": [pid], "subgraphs": [4 pids]) until `stop()`. */
export class ProcessSampler {
  private readonly peaks = new Map<string, number>();
  /** Per group, per pid: CPU ticks at the first and the latest sample. */
  private readonly cpu = new Map<string, Map<number, { first: number; last: number }>>();
  private readonly startedAt = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly groups: Record<string, number[]>,
    everyMs = 500,
  ) {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), everyMs);
  }

  private sample(first: boolean): void {
    const processes = processesByParent();
    for (const [group, pids] of Object.entries(this.groups)) {
      const ticks = this.cpu.get(group) ?? new Map<number, { first: number; last: number }>();
      this.cpu.set(group, ticks);
      let rss = 0;
      for (const s of pids.flatMap((pid) => treeOf(pid, processes))) {
        rss += s.rssBytes;
        // A worker that appears during the window started from zero CPU time.
        const seen = ticks.get(s.pid) ?? { first: first ? s.cpuTicks : 0, last: s.cpuTicks };
        ticks.set(s.pid, { ...seen, last: s.cpuTicks });
      }
      this.peaks.set(group, Math.max(this.peaks.get(group) ?? 0, rss));
    }
  }

  stop(): Record<string, ProcessFigures> {
    clearInterval(this.timer);
    this.sample(false);
    const seconds = (performance.now() - this.startedAt) / 1000;
    const result: Record<string, ProcessFigures> = {};
    for (const group of Object.keys(this.groups)) {
      const ticks = [...(this.cpu.get(group)?.values() ?? [])].reduce((sum, t) => sum + t.last - t.first, 0);
      result[group] = { peakRssBytes: this.peaks.get(group) ?? 0, cores: ticks / TICKS_PER_SECOND / seconds };
    }
    return result;
  }
}

/** The PostgreSQL server's main process, if it runs on this machine (its backends are its children). */
export function postmasterPid(): number | null {
  const { byPid } = processesByParent();
  const server = [...byPid.values()].find((s) => s.command === 'postgres' && byPid.get(s.ppid)?.command !== 'postgres');
  return server?.pid ?? null;
}

export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
