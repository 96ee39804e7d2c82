import { Inject, Injectable } from '@nestjs/common';
import { type CommandInputSettings, CommandInputConsumer } from '../kafka-input/command-input.consumer';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { parseRulesCommandMessage } from './rules-command.message';

export const RULES_INPUT = Symbol('RulesInputSettings');

/**
 * Activations, expiries and re-engagement offers decided by the rules service from the log enter
 * the command pipeline here, so they are decided under the member's row lock on the write model
 * and never race a redemption. Keyed by the rules service's deterministic command ids, a
 * redelivered command has no second effect.
 */
@Injectable()
export class RulesInputConsumer extends CommandInputConsumer {
  constructor(@Inject(RULES_INPUT) settings: CommandInputSettings, @Inject(COMMAND_PIPELINE) pipeline: CommandPipeline) {
    super(settings, pipeline, parseRulesCommandMessage, RulesInputConsumer.name);
  }
}
