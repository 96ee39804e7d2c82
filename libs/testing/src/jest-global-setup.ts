import { publishTestStack, startTestStack } from './test-stack';

/** Starts (or reuses) the real stack once for the integration project. */
export default async function globalSetup(): Promise<void> {
  const stack = await startTestStack();
  publishTestStack(stack);
  process.stderr.write(`\nintegration tests against the ${stack.kind}: kafka ${stack.kafkaBrokers}, registry ${stack.schemaRegistryUrl}\n`);
}
