// Event ids are part of the log's contract; the one implementation lives in libs/kafka.
export { deterministicId } from '@loyalty/kafka';
