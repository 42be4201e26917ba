import { describe, expect, it } from 'vitest';
import {
	isIsoDate,
	londonDate,
	londonDayRange,
	londonMidnightUtc,
	nextIsoDate
} from '$lib/domain/london-days';

const utc = (iso: string) => new Date(iso).getTime();
const HOUR = 60 * 60 * 1000;

describe('London calendar days', () => {
	it('starts a winter day at midnight UTC and a summer day at 23:00 UTC the evening before', () => {
		expect(londonMidnightUtc('2026-01-15')).toBe(utc('2026-01-15T00:00:00Z'));
		expect(londonMidnightUtc('2026-07-01')).toBe(utc('2026-06-30T23:00:00Z'));
	});

	it('makes 29 March 2026, when the clocks go forward, 23 hours long', () => {
		const { fromMs, toMs } = londonDayRange('2026-03-29', '2026-03-29');
		expect(fromMs).toBe(utc('2026-03-29T00:00:00Z'));
		expect(toMs).toBe(utc('2026-03-29T23:00:00Z'));
		expect(toMs! - fromMs!).toBe(23 * HOUR);
	});

	it('makes 25 October 2026, when the clocks go back, 25 hours long', () => {
		const { fromMs, toMs } = londonDayRange('2026-10-25', '2026-10-25');
		expect(fromMs).toBe(utc('2026-10-24T23:00:00Z'));
		expect(toMs).toBe(utc('2026-10-26T00:00:00Z'));
		expect(toMs! - fromMs!).toBe(25 * HOUR);
	});

	it('includes the whole of the last day of a range, and leaves an open end open', () => {
		expect(londonDayRange('2026-04-01', '2026-04-30')).toEqual({
			fromMs: utc('2026-03-31T23:00:00Z'),
			toMs: utc('2026-04-30T23:00:00Z')
		});
		expect(londonDayRange(undefined, '2026-12-31')).toEqual({
			fromMs: undefined,
			toMs: utc('2027-01-01T00:00:00Z')
		});
		expect(londonDayRange()).toEqual({ fromMs: undefined, toMs: undefined });
	});

	it('puts instants either side of a clock change on the right London day', () => {
		expect(londonDate(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29');
		expect(londonDate(new Date('2026-03-29T23:00:00Z'))).toBe('2026-03-30');
		expect(londonDate(new Date('2026-10-24T22:59:59Z'))).toBe('2026-10-24');
		expect(londonDate(new Date('2026-10-24T23:00:00Z'))).toBe('2026-10-25');
		expect(londonDate(new Date('2026-10-25T23:59:59Z'))).toBe('2026-10-25');
		expect(londonDate(new Date('2026-10-26T00:00:00Z'))).toBe('2026-10-26');
	});

	it('rolls over months, years and leap days', () => {
		expect(nextIsoDate('2026-12-31')).toBe('2027-01-01');
		expect(nextIsoDate('2028-02-28')).toBe('2028-02-29');
		expect(nextIsoDate('2027-02-28')).toBe('2027-03-01');
	});

	it('accepts real dates only', () => {
		expect(isIsoDate('2028-02-29')).toBe(true);
		expect(isIsoDate('2027-02-29')).toBe(false);
		expect(isIsoDate('2026-13-01')).toBe(false);
		expect(isIsoDate('2026-1-01')).toBe(false);
		expect(isIsoDate('0050-01-01')).toBe(false);
		expect(() => londonMidnightUtc('29/03/2026')).toThrow(RangeError);
	});
});
