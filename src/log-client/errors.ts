/** Errors of the built-in log: each says what, where (topic, partition, offset, file, byte) and what to do. */
export type LogStoreErrorCode =
  | 'INVALID_TOPIC' | 'UNKNOWN_TOPIC' | 'TOPIC_EXISTS' | 'INVALID_CONFIG' | 'INVALID_PARTITION'
  | 'CORRUPT' | 'LOCKED' | 'CLOSED' | 'FENCED' | 'INVALID_TXN_STATE' | 'REMOTE' | 'INVALID_RECORD' | 'RECORD_TOO_LARGE' | 'GROUP'
  | 'NOT_AUTHORIZED';

export class LogStoreError extends Error {
  readonly code: LogStoreErrorCode;
  constructor(code: LogStoreErrorCode, message: string) {
    super(message);
    this.name = 'LogStoreError';
    this.code = code;
  }
}

export class CorruptLogError extends LogStoreError {
  constructor(readonly file: string, readonly position: number, detail: string) {
    super('CORRUPT', `corrupt record batch in ${file} at byte position ${position}: ${detail}. ` +
      'Valid batches follow it, so this is not a torn tail and it was not truncated. ' +
      'Restore the partition from a replica or backup, or truncate the segment at that position by hand (data after it is lost).');
    this.name = 'CorruptLogError';
  }
}
