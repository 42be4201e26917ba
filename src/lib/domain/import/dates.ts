// A spreadsheet cell read as a London calendar day (YYYY-MM-DD). People type dates the British
// way (day first) in many spellings; Excel stores them as serial day numbers; the file reader
// hands over a Date for a cell Excel formatted as a date. A date written month first (11/23/2024)
// is refused with a reason rather than guessed.

import { londonDate } from '../london-days';
import { isoDateFromParts, MONTH_NAMES as MONTHS } from '../dates';
import { refusal, reading, type Cell, type Reading } from './cells';

/** Month names and their usual abbreviations ("Nov", "Sept"), lower case, to month numbers. */
const MONTH_NUMBERS = new Map<string, number>(
	MONTHS.flatMap((name, i) => {
		const lower = name.toLowerCase();
		const names: [string, number][] = [
			[lower, i + 1],
			[lower.slice(0, 3), i + 1]
		];
		if (lower === 'september') names.push(['sept', i + 1]);
		return names;
	})
);

/** The serial number of 1 January 1900 is 1; Excel also counts a 29 February 1900 that never was. */
const EXCEL_FAKE_LEAP_DAY = 60;
/** Serial numbers of 1 January 1900 and 31 December 2200: the range `isoDateFromParts` accepts. */
const SERIAL_MIN = 1;
const SERIAL_MAX = 110_960;

/** A day as people read it: "23 November 2024". */
export function britishDate(isoDate: string): string {
	const [year, month, day] = isoDate.split('-').map(Number);
	return `${day} ${MONTHS[month - 1]} ${year}`;
}

function daysInMonth(month: number, year: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Why day, month and year are no date: "February 2024 has 29 days". */
function notARealDate(written: string, day: number, month: number, year: number): Reading<string> {
	if (year < 1900 || year > 2200)
		return refusal(`“${written}” is not a date this app can use: the year must be 1900 to 2200.`);
	if (month < 1 || month > 12)
		return refusal(`“${written}” is not a real date: there is no month ${month}.`);
	return refusal(
		`“${written}” is not a real date: ${MONTHS[month - 1]} ${year} has ${daysInMonth(month, year)} days.`
	);
}

function fromParts(written: string, day: number, month: number, year: number): Reading<string> {
	const iso = isoDateFromParts(day, month, year);
	return iso ? reading(iso) : notARealDate(written, day, month, year);
}

/** Excel's serial day number (1900 date system) as a calendar day; a fraction is a time of day. */
export function excelSerialDate(serial: number, written = String(serial)): Reading<string> {
	if (!Number.isFinite(serial) || serial < SERIAL_MIN || serial >= SERIAL_MAX + 1)
		return refusal(
			`“${written}” is not a date: as an Excel date number it would be outside the years 1900 to 2200.`
		);
	const day = Math.floor(serial);
	if (day === EXCEL_FAKE_LEAP_DAY)
		return refusal(
			`“${written}” is not a real date: it is Excel’s 29 February 1900, a day that never was.`
		);
	// Before the fake leap day, serial 1 is 1 January 1900; from it on, every serial is one too high.
	const offset = day < EXCEL_FAKE_LEAP_DAY ? day - 1 : day - 2;
	return reading(new Date(Date.UTC(1900, 0, 1 + offset)).toISOString().slice(0, 10));
}

const fullYear = (year: string) => (year.length === 2 ? 2000 + Number(year) : Number(year));

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/;
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/;
const WORDED =
	/^(\d{1,2})(?:st|nd|rd|th)?(?:[\s/-]+|\s*-\s*)([a-z]+)\.?,?(?:[\s/-]+)(\d{4}|\d{2})$/;
const MONTH_FIRST = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}|\d{2})$/;
const SERIAL_TEXT = /^\d{1,6}(?:\.\d+)?$/;

function fromText(text: string): Reading<string> {
	const written = text.trim();
	const lower = written.toLowerCase().replace(/\s+/g, ' ');
	if (lower === '') return refusal('There is no date.');

	let match = ISO.exec(lower);
	if (match) return fromParts(written, Number(match[3]), Number(match[2]), Number(match[1]));

	match = NUMERIC.exec(lower);
	if (match) {
		const first = Number(match[1]);
		const second = Number(match[3]);
		const year = fullYear(match[4]);
		if (second > 12 && first >= 1 && first <= 12 && second <= 31)
			return refusal(
				`“${written}” is not a UK date: it reads month first, and there is no month ${second}. Write the day first, as ${second}${match[2]}${String(first).padStart(2, '0')}${match[2]}${match[4]}.`
			);
		return fromParts(written, first, second, year);
	}

	match = WORDED.exec(lower);
	if (match) {
		const month = MONTH_NUMBERS.get(match[2]);
		if (month) return fromParts(written, Number(match[1]), month, fullYear(match[3]));
	}

	match = MONTH_FIRST.exec(lower);
	if (match && MONTH_NUMBERS.has(match[1]))
		return refusal(
			`“${written}” is not a UK date: write the day before the month, as ${Number(match[2])} ${MONTHS[MONTH_NUMBERS.get(match[1])! - 1]} ${fullYear(match[3])}.`
		);

	if (SERIAL_TEXT.test(lower)) return excelSerialDate(Number(lower), written);

	return refusal(
		`“${written}” is not a date. Write it as a UK date, such as 23/11/2024 or 23 November 2024.`
	);
}

/**
 * A cell as a London calendar day (YYYY-MM-DD), or why it is not one. A Date is taken as the
 * London day it falls on: a whole-day date read from Excel (midnight UTC) and one at London
 * midnight both give the day shown in the cell. Numbers are Excel serial dates.
 */
export function readDate(cell: Cell): Reading<string> {
	if (cell === null) return refusal('There is no date.');
	if (cell instanceof Date) {
		if (Number.isNaN(cell.getTime())) return refusal('The cell holds a date that is not valid.');
		const iso = londonDate(cell);
		const year = Number(iso.slice(0, 4));
		return year >= 1900 && year <= 2200
			? reading(iso)
			: refusal(`${iso} is not a date this app can use: the year must be 1900 to 2200.`);
	}
	if (typeof cell === 'number') return excelSerialDate(cell);
	return fromText(cell);
}
