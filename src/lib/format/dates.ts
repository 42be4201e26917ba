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
