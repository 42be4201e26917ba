// Calendar dates as day, month and year, as people type them into three boxes.

/** Builds an ISO date from day, month and year fields, or null if they are not a real date. */
export function isoDateFromParts(day: number, month: number, year: number): string | null {
	if (![day, month, year].every(Number.isInteger)) return null;
	if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
	return date.toISOString().slice(0, 10);
}

export function isoDateParts(isoDate: string): { day: string; month: string; year: string } {
	const [year, month, day] = isoDate.split('-');
	return { day: String(Number(day)), month: String(Number(month)), year };
}

/** The months' names in English, January first. */
export const MONTH_NAMES = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];
