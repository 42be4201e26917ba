// Dates are shown the British way, in Europe/London, whatever the server's own time zone.
const TIME_ZONE = 'Europe/London';

const longDate = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'long',
	year: 'numeric',
	timeZone: TIME_ZONE
});
const dateTime = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'long',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	timeZone: TIME_ZONE
});

/** "2026-11-23" → "23 November 2026". A calendar date, so no time-zone shift applies. */
export function formatIsoDate(isoDate: string): string {
	const [year, month, day] = isoDate.split('-').map(Number);
	return longDate.format(new Date(Date.UTC(year, month - 1, day, 12)));
}

/** An instant, shown as London wall-clock time: "23 November 2026 at 14:05". */
export function formatInstant(instant: Date | number): string {
	return dateTime.format(instant);
}

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
