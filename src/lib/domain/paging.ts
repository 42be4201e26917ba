// Long lists (an assessment's comments, an action's progress notes) are shown a page at a time,
// so that one busy list cannot make a page of megabytes.

export const PAGE_SIZE = 20;

export type ListOrder = 'newest' | 'oldest';

/** The address parameters of each paged list (named apart: a page can show other lists). */
export const COMMENT_PAGING = { page: 'comments-page', order: 'comments-order' };
export const NOTE_PAGING = { page: 'notes-page', order: 'notes-order' };

export type Paging = { page: number; order: ListOrder };

/** Which page and order the address asks for; anything unreadable means the first page. */
export function pagingFrom(
	params: URLSearchParams,
	names: { page: string; order: string },
	defaultOrder: ListOrder
): Paging {
	const page = Number(params.get(names.page));
	const order = params.get(names.order);
	return {
		page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
		order: order === 'newest' || order === 'oldest' ? order : defaultOrder
	};
}

/** The page actually shown (a page past the end shows the last), and where its rows start. */
export function pageWindow(requested: number, total: number, size = PAGE_SIZE) {
	const pages = Math.max(1, Math.ceil(total / size));
	const page = Math.min(Math.max(1, requested), pages);
	return { page, pages, offset: (page - 1) * size, limit: size };
}

/** The address of another page or order of a list (the page's other parameters are left off). */
export function pagingHref(
	path: string,
	names: { page: string; order: string },
	paging: Paging,
	anchor: string
): string {
	return `${path}?${names.page}=${paging.page}&${names.order}=${paging.order}#${anchor}`;
}
