/** Rules commands that could not be decided: invalid, or a command id reused with other content. */
export const RULES_COMMANDS_DLQ_TOPIC = 'loyalty.rules.commands.dlq.v1';
