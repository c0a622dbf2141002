// Reads a process's memory from /proc and the controller's counters from its /metrics.
import { readFileSync } from 'node:fs';

/** VmHWM (peak RSS) and VmRSS in MiB; undefined once the process is gone. */
export function memoryOf(pid: number): { peakMiB: number; rssMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

/** `tekton_provenance_attestations_total{result="signed"}` from the controller's metrics endpoint. */
export async function signedCount(metricsPort: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    return Number(/^tekton_provenance_attestations_total\{result="signed"\} (\d+)/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}
