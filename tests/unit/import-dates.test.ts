import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { britishDate, excelSerialDate, readDate } from '$lib/domain/import/dates';

const day = (value: string) => ({ ok: true, value });
const no = (message: string) => ({ ok: false, message });

describe('reading a cell as a calendar day', () => {
	it.each([
		['2024-11-23', '2024-11-23'],
		['23/11/2024', '2024-11-23'],
		['23-11-2024', '2024-11-23'],
		['23.11.2024', '2024-11-23'],
		['1/2/24', '2024-02-01'],
		['01/02/2024', '2024-02-01'],
		['23-Nov-2024', '2024-11-23'],
		['23 nov 2024', '2024-11-23'],
		['23 November 2024', '2024-11-23'],
		['23rd November 2024', '2024-11-23'],
		['1 Sept 2024', '2024-09-01'],
		['23 NOVEMBER 24', '2024-11-23'],
		['  23/11/2024   ', '2024-11-23'],
		['2024-11-23 00:00:00', '2024-11-23'],
		['29/02/2024', '2024-02-29']
	])('reads “%s” as %s', (text, iso) => {
		expect(readDate(text)).toEqual(day(iso));
	});

	it('reads Excel serial day numbers, as numbers or as text, a time of day left out', () => {
		expect(readDate(45619)).toEqual(day('2024-11-23'));
		expect(readDate(45619.75)).toEqual(day('2024-11-23'));
		expect(readDate('45619')).toEqual(day('2024-11-23'));
		expect(readDate(' 45619 ')).toEqual(day('2024-11-23'));
		expect(readDate(45351)).toEqual(day('2024-02-29'));
	});

	it('counts Excel’s 1900 serials around the 29 February 1900 that never was', () => {
		expect(excelSerialDate(1)).toEqual(day('1900-01-01'));
		expect(excelSerialDate(59)).toEqual(day('1900-02-28'));
		expect(excelSerialDate(61)).toEqual(day('1900-03-01'));
		expect(excelSerialDate(60)).toEqual(
			no('“60” is not a real date: it is Excel’s 29 February 1900, a day that never was.')
		);
		expect(excelSerialDate(0)).toEqual(
			no('“0” is not a date: as an Excel date number it would be outside the years 1900 to 2200.')
		);
	});

	it('takes a Date as the London day it falls on, at midnight UTC or at London midnight', () => {
		expect(readDate(new Date('2024-11-23T00:00:00Z'))).toEqual(day('2024-11-23'));
		expect(readDate(new Date('2024-06-01T00:00:00Z'))).toEqual(day('2024-06-01'));
		expect(readDate(new Date('2024-05-31T23:00:00Z'))).toEqual(day('2024-06-01'));
		expect(readDate(new Date('nonsense'))).toEqual(no('The cell holds a date that is not valid.'));
	});

	it('refuses a date written month first, saying it is not a UK date and how to write it', () => {
		expect(readDate('11/23/2024')).toEqual(
			no(
				'“11/23/2024” is not a UK date: it reads month first, and there is no month 23. Write the day first, as 23/11/2024.'
			)
		);
		expect(readDate('Nov 23, 2024')).toEqual(
			no('“Nov 23, 2024” is not a UK date: write the day before the month, as 23 November 2024.')
		);
	});

	it('refuses days that do not exist, saying why', () => {
		expect(readDate('31/02/2024')).toEqual(
			no('“31/02/2024” is not a real date: February 2024 has 29 days.')
		);
		expect(readDate('29-02-2023')).toEqual(
			no('“29-02-2023” is not a real date: February 2023 has 28 days.')
		);
		expect(readDate('2024-13-01')).toEqual(
			no('“2024-13-01” is not a real date: there is no month 13.')
		);
		expect(readDate('31 Apr 2024')).toEqual(
			no('“31 Apr 2024” is not a real date: April 2024 has 30 days.')
		);
	});

	it('refuses what is not a date at all', () => {
		expect(readDate('next Tuesday')).toEqual(
			no(
				'“next Tuesday” is not a date. Write it as a UK date, such as 23/11/2024 or 23 November 2024.'
			)
		);
		expect(readDate('23 Novembre 2024')).toEqual(
			no(
				'“23 Novembre 2024” is not a date. Write it as a UK date, such as 23/11/2024 or 23 November 2024.'
			)
		);
		expect(readDate(null)).toEqual(no('There is no date.'));
		expect(readDate('   ')).toEqual(no('There is no date.'));
	});

	it('writes a day the British way', () => {
		expect(britishDate('2024-11-23')).toBe('23 November 2024');
	});

	it('reads back every UK date it writes, in each spelling', () => {
		const pad = (n: number) => String(n).padStart(2, '0');
		fc.assert(
			fc.property(
				fc.date({
					min: new Date('1950-01-01T00:00:00Z'),
					max: new Date('2150-12-31T00:00:00Z'),
					noInvalidDate: true
				}),
				fc.constantFrom('/', '-', '.'),
				(date, separator) => {
					const iso = date.toISOString().slice(0, 10);
					const [y, m, d] = iso.split('-').map(Number);
					expect(readDate(`${pad(d)}${separator}${pad(m)}${separator}${y}`)).toEqual(day(iso));
					expect(readDate(`${d}${separator}${m}${separator}${y}`)).toEqual(day(iso));
					expect(readDate(britishDate(iso))).toEqual(day(iso));
					expect(readDate(iso)).toEqual(day(iso));
				}
			)
		);
	});
});
