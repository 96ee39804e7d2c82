import { z } from 'zod';

export type HttpConfig = { readonly port: number; readonly host: string };

/** Builds the schema of one service's HTTP settings; each service has its own port variable. */
export function httpEnvSchema(portVariable: string, defaultPort: number): z.ZodType<HttpConfig> {
  const port = z.coerce.number().int().min(0).max(65535).default(defaultPort);
  return z
    .looseObject({ HTTP_HOST: z.string().min(1).default('127.0.0.1') })
    .transform((env, ctx): HttpConfig => {
      const parsed = port.safeParse(env[portVariable]);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', path: [portVariable], message: 'must be a TCP port number (0-65535)' });
        return z.NEVER;
      }
      return { port: parsed.data, host: env.HTTP_HOST };
    });
}
