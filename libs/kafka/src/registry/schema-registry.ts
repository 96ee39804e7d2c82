import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { InfrastructureError } from '../infrastructure-error';
import { type AvroSchemaJson } from '../schemas/avro-schema';

/** The registry operations the services need, behind our own interface so the client can change. */
export interface SchemaRegistryPort {
  /** Sets the subject's compatibility level and registers the schema (idempotent); returns its id. */
  register(subject: string, schema: AvroSchemaJson, compatibility: string): Promise<number>;
  /** The id under which exactly this schema is registered in the subject. */
  idOf(subject: string, schema: AvroSchemaJson): Promise<number>;
  /** The schema registered under an id (ids are immutable, so callers may cache). */
  schemaById(id: number): Promise<AvroSchemaJson>;
  /** Asks the registry whether the schema may be added to the subject under its compatibility level. */
  isCompatible(subject: string, schema: AvroSchemaJson): Promise<boolean>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A SchemaRegistryPort over the Confluent REST API (served by Confluent, Karapace or Apicurio's
 * ccompat API), using @kafkajs/confluent-schema-registry for registration and look-ups.
 */
export class ConfluentSchemaRegistry implements SchemaRegistryPort {
  private readonly client: SchemaRegistry;

  constructor(private readonly baseUrl: string) {
    this.client = new SchemaRegistry({ host: baseUrl, retry: { retries: 1, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 0.5 } });
  }

  async register(subject: string, schema: AvroSchemaJson, compatibility: string): Promise<number> {
    await this.rest('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility });
    return this.call(`register ${subject}`, async () => {
      const { id } = await this.client.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        // The library's option type is a closed enum; the catalog validated the level already.
        { subject, compatibility: compatibility as never },
      );
      return id;
    });
  }

  /**
   * Looked up over the REST API directly: the client library reports a refused connection as an
   * HTTP 400, which would read as "the registry said no" instead of "the registry is down".
   */
  async idOf(subject: string, schema: AvroSchemaJson): Promise<number> {
    const body = (await this.rest('POST', `/subjects/${encodeURIComponent(subject)}`, { schema: JSON.stringify(schema) })) as { id?: unknown };
    if (typeof body.id !== 'number') throw new InfrastructureError('SCHEMA_REGISTRY.REJECTED', `no id for the schema in ${subject}`, false);
    return body.id;
  }

  async schemaById(id: number): Promise<AvroSchemaJson> {
    const body = (await this.rest('GET', `/schemas/ids/${id}`)) as { schema?: string };
    if (typeof body.schema !== 'string') {
      throw new InfrastructureError('SCHEMA_REGISTRY.REJECTED', `schema ${id} has no body`, false);
    }
    return JSON.parse(body.schema) as AvroSchemaJson;
  }

  async isCompatible(subject: string, schema: AvroSchemaJson): Promise<boolean> {
    const body = await this.rest('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`, {
      schema: JSON.stringify(schema),
    });
    return (body as { is_compatible?: boolean }).is_compatible === true;
  }

  private async rest(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5_000),
      });
    } catch (cause) {
      throw new InfrastructureError('SCHEMA_REGISTRY.UNAVAILABLE', `schema registry unreachable (${method} ${path})`, true, { cause });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new InfrastructureError(
        response.status >= 500 ? 'SCHEMA_REGISTRY.UNAVAILABLE' : 'SCHEMA_REGISTRY.REJECTED',
        `schema registry answered ${response.status} to ${method} ${path}: ${text.slice(0, 500)}`,
        response.status >= 500,
      );
    }
    return text.length > 0 ? JSON.parse(text) : {};
  }

  private async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      // An HTTP status below 500, or the client's own verdict (e.g. "schema not found"), is the
      // registry's considered answer; anything else (network, 5xx) may pass.
      const status = (cause as { status?: number }).status;
      const verdict = cause instanceof Error && cause.name.startsWith('ConfluentSchemaRegistry');
      if (verdict || (typeof status === 'number' && status < 500)) {
        throw new InfrastructureError('SCHEMA_REGISTRY.REJECTED', `schema registry rejected: ${what} (${status})`, false, { cause });
      }
      throw new InfrastructureError('SCHEMA_REGISTRY.UNAVAILABLE', `schema registry unavailable: ${what}`, true, { cause });
    }
  }
}
