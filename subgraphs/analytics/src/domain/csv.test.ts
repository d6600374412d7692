import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('writes a header and rows with CRLF line ends, quoting only cells that need it', () => {
    const csv = toCsv({ header: ['step', 'event', 'count', 'rate'], rows: [[1, 'signed up', 100, 1], [2, 'paid, "pro"', 25, 0.25], [3, 'none', 0, null]] });
    expect(csv).toBe('step,event,count,rate\r\n1,signed up,100,1\r\n2,"paid, ""pro""",25,0.25\r\n3,none,0,\r\n');
  });

  it('neutralises text a spreadsheet would run as a formula, but not negative numbers', () => {
    const csv = toCsv({ header: ['channel', 'change'], rows: [['=HYPERLINK("http://x")', -0.5], ['@SUM(A1)', 1], ['-2+3', true]] });
    expect(csv).toBe('channel,change\r\n"\'=HYPERLINK(""http://x"")",-0.5\r\n\'@SUM(A1),1\r\n\'-2+3,true\r\n');
  });
});
