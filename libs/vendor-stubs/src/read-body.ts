import { type IncomingMessage } from 'node:http';

export interface ReadBody {
  readonly body: Buffer;
  readonly tooLarge: boolean;
}

/**
 * Reads a request body, keeping at most `maxBytes + 1` bytes. The rest is read and dropped rather
 * than refused mid-upload, so the client always gets the vendor's 413 instead of a reset socket.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      if (kept + chunk.length > maxBytes) {
        tooLarge = true;
        chunks.push(chunk.subarray(0, maxBytes + 1 - kept));
        kept = maxBytes + 1;
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
    });
    request.on('end', () => resolve({ body: Buffer.concat(chunks, kept), tooLarge }));
    request.on('error', reject);
    // A client that hangs up mid-body may emit neither 'end' nor 'error'.
    request.on('close', () => {
      if (!request.complete) reject(Object.assign(new Error('request aborted'), { code: 'ECONNRESET' }));
    });
  });
}
