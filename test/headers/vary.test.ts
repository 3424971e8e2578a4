import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { addVary } from '../../src/headers/vary.js';

function responseWithVary(vary?: string | string[]): ServerResponse {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  if (vary !== undefined) res.setHeader('Vary', vary);
  return res;
}

describe('addVary', () => {
  it.each<[string | string[] | undefined, string | string[]]>([
    [undefined, 'Accept'],
    ['Origin', 'Origin, Accept'],
    ['Origin, accept', 'Origin, accept'],
    ['*', '*'],
    ['Origin, *', 'Origin, *'],
    [['Origin', 'Accept-Encoding'], 'Origin, Accept-Encoding, Accept'],
    ['', 'Accept'],
  ])('turns Vary %j into %j', (vary, expected) => {
    const res = responseWithVary(vary);
    addVary(res, 'Accept');
    expect(res.getHeader('Vary')).toEqual(expected);
  });
});
