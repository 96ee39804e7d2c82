// The benchmarks run against the local stack; when the service a harness loads (ingestion, the
// projector's query API) does not answer, it starts the whole system the documented way
// (`infra/bin/up`, idempotent) rather than a partial copy of it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { healthStatus } from './http-health';
import { type StackFiles } from './stack-files';

export async function ensureStackUp(files: StackFiles, serviceUrl: string, timeoutS: number): Promise<void> {
  if ((await healthStatus(serviceUrl)) === 200) return;
  console.error(`[bench] ${serviceUrl}/health does not answer 200: starting the system with infra/bin/up`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [join(files.root, 'infra', 'bin', 'up')], { cwd: files.root, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`infra/bin/up did not finish within ${timeoutS} s`));
    }, timeoutS * 1_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`infra/bin/up exited with ${code}`));
    });
  });
  if ((await healthStatus(serviceUrl)) !== 200) throw new Error(`${serviceUrl}/health still not 200 after infra/bin/up`);
}
