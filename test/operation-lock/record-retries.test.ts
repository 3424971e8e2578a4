import type { IncomingMessage } from 'node:http';
import {
  MAX_RECORD_BYTES_WAITING,
  MAX_RECORD_RETRY_MS,
  MAX_RECORDS_WAITING,
  RecordRetries,
  recordRetryDelay,
} from '../../src/operation-lock/record-retries.js';

describe('RecordRetries', () => {
  it('holds at most MAX_RECORDS_WAITING responses, and takes one in again once one leaves', () => {
    const retries = new RecordRetries();
    for (let i = 0; i < MAX_RECORDS_WAITING; i++) expect(retries.admit(10)).toBe(true);
    expect(retries.admit(10)).toBe(false);
    expect(retries.records).toBe(MAX_RECORDS_WAITING);
    retries.leave(10);
    expect(retries.admit(10)).toBe(true);
  });

  it('holds at most MAX_RECORD_BYTES_WAITING bytes, counting two a character', () => {
    const retries = new RecordRetries();
    expect(RecordRetries.bytesOf('abc', requestWith({}))).toBe(6);
    expect(retries.admit(MAX_RECORD_BYTES_WAITING - 6)).toBe(true);
    expect(retries.admit(7)).toBe(false);
    expect(retries.admit(6)).toBe(true);
    expect(retries.bytes).toBe(MAX_RECORD_BYTES_WAITING);
  });

  it('counts the request a response answers by its Content-Length, which the wait keeps reachable too', () => {
    expect(RecordRetries.bytesOf('abc', requestWith({ 'content-length': '1000' }))).toBe(1006);
  });

  it.each(['', '-1', '1e3', '12 ', '1234567890123456'])(
    'counts nothing for a Content-Length that is no length it could hold (%j)',
    (length) => {
      expect(RecordRetries.bytesOf('abc', requestWith({ 'content-length': length }))).toBe(6);
    },
  );

  it('waits 50 ms before the first retry, twice as long before each next, and never more than a second', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(recordRetryDelay)).toEqual([
      50,
      100,
      200,
      400,
      800,
      MAX_RECORD_RETRY_MS,
      MAX_RECORD_RETRY_MS,
      MAX_RECORD_RETRY_MS,
    ]);
  });
});

function requestWith(headers: IncomingMessage['headers']): IncomingMessage {
  return { headers } as IncomingMessage;
}
