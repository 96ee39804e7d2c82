// What the figures were measured on, recorded with every run: absolute rates mean little without it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface MachineInfo {
  readonly cores: number;
  readonly memTotalGiB: number;
  readonly cpuModel: string;
}

export function machineInfo(): MachineInfo {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const memKib = Number.parseInt(/^MemTotal:\s+(\d+) kB$/m.exec(meminfo)?.[1] ?? '0', 10);
  return {
    cores: Number.parseInt(execFileSync('nproc', { encoding: 'utf8' }).trim(), 10),
    memTotalGiB: Math.round((memKib / 1024 / 1024) * 10) / 10,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
  };
}
