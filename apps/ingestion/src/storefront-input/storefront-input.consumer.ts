import { Inject, Injectable } from '@nestjs/common';
import { type CommandInputSettings, CommandInputConsumer } from '../kafka-input/command-input.consumer';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { parseStorefrontMessage } from './storefront-message';

export const STOREFRONT_INPUT = Symbol('StorefrontInputSettings');

export type StorefrontInputSettings = CommandInputSettings;

/**
 * The Kafka path of ingestion: storefront messages become the same commands as HTTP requests, in
 * the same pipeline, so a message and its HTTP twin are one and the same (idempotent by storefront
 * id). Invalid or rejected messages go to the dead-letter topic with the reason and the original
 * bytes; a retriable failure (Kafka, registry or Postgres down) fails the batch, which is redelivered.
 */
@Injectable()
export class StorefrontInputConsumer extends CommandInputConsumer {
  constructor(@Inject(STOREFRONT_INPUT) settings: StorefrontInputSettings, @Inject(COMMAND_PIPELINE) pipeline: CommandPipeline) {
    super(settings, pipeline, parseStorefrontMessage, StorefrontInputConsumer.name);
  }
}
