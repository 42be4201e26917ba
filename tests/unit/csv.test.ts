import { describe, expect, it } from 'vitest';
import { csvField, csvRow, toCsv } from '$lib/format/csv';

describe('CSV', () => {
	it('leaves plain text alone and writes empty fields for missing values', () => {
		expect(csvField('Ashford CMHT')).toBe('Ashford CMHT');
		expect(csvField(null)).toBe('');
		expect(csvField(undefined)).toBe('');
		expect(csvField(3)).toBe('3');
		expect(csvField(-2)).toBe('-2');
	});

	it('quotes fields with commas, quotes and line breaks, doubling the quotes (RFC 4180)', () => {
		expect(csvField('Smith, Jo')).toBe('"Smith, Jo"');
		expect(csvField('the "recovery" college')).toBe('"the ""recovery"" college"');
		expect(csvField('line one\nline two')).toBe('"line one\nline two"');
		expect(csvField('{"level":2,"evidence":"a"}')).toBe('"{""level"":2,""evidence"":""a""}"');
	});

	it('stops a spreadsheet reading a field as a formula', () => {
		expect(csvField('=HYPERLINK("http://evil.example","Click")')).toBe(
			'"\'=HYPERLINK(""http://evil.example"",""Click"")"'
		);
		expect(csvField('+44 20 7946 0000')).toBe("'+44 20 7946 0000");
		expect(csvField('-1+2')).toBe("'-1+2");
		expect(csvField('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
		expect(csvField('\tcmd')).toBe("'\tcmd");
		expect(csvField('\rcmd')).toBe('"\'\rcmd"');
		expect(csvField('a=b')).toBe('a=b');
	});

	it('ends every row with CRLF, including the last', () => {
		expect(csvRow(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
		expect(
			toCsv(
				['when', 'who'],
				[
					['2026-01-01T00:00:00.000Z', 'Jo'],
					['2026-01-02T00:00:00.000Z', '=1+1']
				]
			)
		).toBe("when,who\r\n2026-01-01T00:00:00.000Z,Jo\r\n2026-01-02T00:00:00.000Z,'=1+1\r\n");
		expect(toCsv(['only'], [])).toBe('only\r\n');
	});
});
