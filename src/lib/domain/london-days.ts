// Calendar days as people in the UK mean them: a London day runs from local midnight to local
// midnight, so it is 23 hours long on the day the clocks go forward and 25 on the day they go back.
const TIME_ZONE = 'Europe/London';

const wallClock = new Intl.DateTimeFormat('en-GB', {
	timeZone: TIME_ZONE,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
	const match = ISO_DATE.exec(text);
	if (!match) return false;
	const [year, month, day] = match.slice(1).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
	);
}

function wallClockParts(instantMs: number) {
	const parts: Record<string, number> = {};
	for (const part of wallClock.formatToParts(instantMs)) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

/** How far London's wall clock is ahead of UTC at this instant (0 in winter, one hour in summer). */
function londonOffsetMs(instantMs: number): number {
	const p = wallClockParts(instantMs);
	const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The UTC instant (milliseconds) at which this London calendar day begins. UK clocks change at
 * 01:00 UTC, never at midnight, so local midnight always exists and is never repeated.
 */
export function londonMidnightUtc(isoDate: string): number {
	if (!isIsoDate(isoDate)) throw new RangeError(`Not a calendar date: ${isoDate}`);
	const [year, month, day] = isoDate.split('-').map(Number);
	const midnightAsUtc = Date.UTC(year, month - 1, day);
	const guess = midnightAsUtc - londonOffsetMs(midnightAsUtc);
	// The offset at the guess is the one that applies at local midnight itself.
	return midnightAsUtc - londonOffsetMs(guess);
}

/** The calendar day after this one, as YYYY-MM-DD. */
export function nextIsoDate(isoDate: string): string {
	const [year, month, day] = isoDate.split('-').map(Number);
	return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/**
 * The instants covered by an inclusive range of London days, as a half-open interval in UTC
 * milliseconds: fromMs ≤ instant < toMs. Either end may be left open.
 */
export function londonDayRange(from?: string, to?: string): { fromMs?: number; toMs?: number } {
	return {
		fromMs: from ? londonMidnightUtc(from) : undefined,
		toMs: to ? londonMidnightUtc(nextIsoDate(to)) : undefined
	};
}

/** The London calendar day an instant falls on, as YYYY-MM-DD. */
export function londonDate(instant: Date | number): string {
	const p = wallClockParts(typeof instant === 'number' ? instant : instant.getTime());
	const pad = (n: number, width = 2) => String(n).padStart(width, '0');
	return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}
